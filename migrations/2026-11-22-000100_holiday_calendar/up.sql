-- Seed the holiday calendar with Vietnam's non-working days for 2025–2027.
--
-- Only deviations from the Monday–Friday week are stored:
--   public_holiday  a statutory holiday (Bộ luật Lao động 2019, Điều 112 khoản 1) on a weekday;
--   day_off         another non-working weekday: compensatory day for a holiday on a weekend
--                   (Điều 111 khoản 3) or a bridge day swapped by Government decision;
--   working_day     a Saturday declared a working day to make up for a swapped bridge day.
-- Holidays that fall on a weekend are not listed; their compensatory weekday is.
--
-- provisional = true marks dates chosen before the Government published the year's schedule;
-- review them when the official notice appears. ON CONFLICT DO NOTHING keeps rows an operator
-- has already entered or corrected.
INSERT INTO holidays (day, kind, name, note, provisional) VALUES
    -- 2025
    ('2025-01-01', 'public_holiday', 'Tết Dương lịch',
     'Bộ luật Lao động 2019, Điều 112 khoản 1 điểm a.', false),
    ('2025-01-27', 'public_holiday', 'Tết Nguyên đán Ất Tỵ (28 tháng Chạp)',
     'Bộ luật Lao động 2019, Điều 112 khoản 1 điểm b; Văn bản 8726/VPCP-KGVX ngày 26/11/2024: công chức, viên chức nghỉ từ thứ Bảy 25/01 đến hết Chủ nhật 02/02/2025.', false),
    ('2025-01-28', 'public_holiday', 'Tết Nguyên đán Ất Tỵ (29 tháng Chạp)',
     'Bộ luật Lao động 2019, Điều 112 khoản 1 điểm b; Văn bản 8726/VPCP-KGVX ngày 26/11/2024: công chức, viên chức nghỉ từ thứ Bảy 25/01 đến hết Chủ nhật 02/02/2025.', false),
    ('2025-01-29', 'public_holiday', 'Tết Nguyên đán Ất Tỵ (mùng 1 tháng Giêng)',
     'Bộ luật Lao động 2019, Điều 112 khoản 1 điểm b; Văn bản 8726/VPCP-KGVX ngày 26/11/2024: công chức, viên chức nghỉ từ thứ Bảy 25/01 đến hết Chủ nhật 02/02/2025.', false),
    ('2025-01-30', 'public_holiday', 'Tết Nguyên đán Ất Tỵ (mùng 2 tháng Giêng)',
     'Bộ luật Lao động 2019, Điều 112 khoản 1 điểm b; Văn bản 8726/VPCP-KGVX ngày 26/11/2024: công chức, viên chức nghỉ từ thứ Bảy 25/01 đến hết Chủ nhật 02/02/2025.', false),
    ('2025-01-31', 'public_holiday', 'Tết Nguyên đán Ất Tỵ (mùng 3 tháng Giêng)',
     'Bộ luật Lao động 2019, Điều 112 khoản 1 điểm b; Văn bản 8726/VPCP-KGVX ngày 26/11/2024: công chức, viên chức nghỉ từ thứ Bảy 25/01 đến hết Chủ nhật 02/02/2025.', false),
    ('2025-04-07', 'public_holiday', 'Giỗ Tổ Hùng Vương (10/3 âm lịch)',
     'Bộ luật Lao động 2019, Điều 112 khoản 1 điểm e.', false),
    ('2025-04-26', 'working_day', 'Làm bù cho ngày nghỉ thứ Sáu 02/5/2025',
     'Thủ tướng Chính phủ đồng ý hoán đổi ngày làm việc thứ Sáu 02/5/2025 sang thứ Bảy 26/4/2025; dịp 30/4 – 1/5 nghỉ liên tục từ 30/4 đến hết 04/5/2025.', false),
    ('2025-04-30', 'public_holiday', 'Ngày Chiến thắng (30/4)',
     'Bộ luật Lao động 2019, Điều 112 khoản 1 điểm c.', false),
    ('2025-05-01', 'public_holiday', 'Ngày Quốc tế Lao động (1/5)',
     'Bộ luật Lao động 2019, Điều 112 khoản 1 điểm d.', false),
    ('2025-05-02', 'day_off', 'Nghỉ hoán đổi dịp 30/4 – 1/5 (làm bù thứ Bảy 26/4/2025)',
     'Thủ tướng Chính phủ đồng ý hoán đổi ngày làm việc thứ Sáu 02/5/2025 sang thứ Bảy 26/4/2025; dịp 30/4 – 1/5 nghỉ liên tục từ 30/4 đến hết 04/5/2025.', false),
    ('2025-09-01', 'public_holiday', 'Quốc khánh (ngày liền kề trước 2/9)',
     'Bộ luật Lao động 2019, Điều 112 khoản 1 điểm đ (ngày 02/9 và 01 ngày liền kề trước hoặc sau); lịch nghỉ Quốc khánh 2025: từ thứ Bảy 30/8 đến hết thứ Ba 02/9/2025.', false),
    ('2025-09-02', 'public_holiday', 'Quốc khánh (2/9)',
     'Bộ luật Lao động 2019, Điều 112 khoản 1 điểm đ (ngày 02/9 và 01 ngày liền kề trước hoặc sau); lịch nghỉ Quốc khánh 2025: từ thứ Bảy 30/8 đến hết thứ Ba 02/9/2025.', false),

    -- 2026
    ('2026-01-01', 'public_holiday', 'Tết Dương lịch',
     'Bộ luật Lao động 2019, Điều 112 khoản 1 điểm a.', false),
    ('2026-01-02', 'day_off', 'Nghỉ hoán đổi dịp Tết Dương lịch (làm bù thứ Bảy 10/01/2026)',
     'Văn bản 12729/VPCP-KGVX ngày 25/12/2025: nghỉ từ thứ Năm 01/01 đến hết Chủ nhật 04/01/2026, hoán đổi ngày làm việc thứ Sáu 02/01/2026 sang thứ Bảy 10/01/2026.', false),
    ('2026-01-10', 'working_day', 'Làm bù cho ngày nghỉ thứ Sáu 02/01/2026',
     'Văn bản 12729/VPCP-KGVX ngày 25/12/2025: nghỉ từ thứ Năm 01/01 đến hết Chủ nhật 04/01/2026, hoán đổi ngày làm việc thứ Sáu 02/01/2026 sang thứ Bảy 10/01/2026.', false),
    ('2026-02-16', 'public_holiday', 'Tết Nguyên đán Bính Ngọ (29 tháng Chạp)',
     'Bộ luật Lao động 2019, Điều 112 khoản 1 điểm b; ý kiến Thủ tướng Chính phủ do Văn phòng Chính phủ truyền đạt tháng 10/2025: công chức, viên chức nghỉ từ thứ Bảy 14/02 đến hết Chủ nhật 22/02/2026.', false),
    ('2026-02-17', 'public_holiday', 'Tết Nguyên đán Bính Ngọ (mùng 1 tháng Giêng)',
     'Bộ luật Lao động 2019, Điều 112 khoản 1 điểm b; ý kiến Thủ tướng Chính phủ do Văn phòng Chính phủ truyền đạt tháng 10/2025: công chức, viên chức nghỉ từ thứ Bảy 14/02 đến hết Chủ nhật 22/02/2026.', false),
    ('2026-02-18', 'public_holiday', 'Tết Nguyên đán Bính Ngọ (mùng 2 tháng Giêng)',
     'Bộ luật Lao động 2019, Điều 112 khoản 1 điểm b; ý kiến Thủ tướng Chính phủ do Văn phòng Chính phủ truyền đạt tháng 10/2025: công chức, viên chức nghỉ từ thứ Bảy 14/02 đến hết Chủ nhật 22/02/2026.', false),
    ('2026-02-19', 'public_holiday', 'Tết Nguyên đán Bính Ngọ (mùng 3 tháng Giêng)',
     'Bộ luật Lao động 2019, Điều 112 khoản 1 điểm b; ý kiến Thủ tướng Chính phủ do Văn phòng Chính phủ truyền đạt tháng 10/2025: công chức, viên chức nghỉ từ thứ Bảy 14/02 đến hết Chủ nhật 22/02/2026.', false),
    ('2026-02-20', 'public_holiday', 'Tết Nguyên đán Bính Ngọ (mùng 4 tháng Giêng)',
     'Bộ luật Lao động 2019, Điều 112 khoản 1 điểm b; ý kiến Thủ tướng Chính phủ do Văn phòng Chính phủ truyền đạt tháng 10/2025: công chức, viên chức nghỉ từ thứ Bảy 14/02 đến hết Chủ nhật 22/02/2026.', false),
    ('2026-04-27', 'day_off', 'Nghỉ bù Giỗ Tổ Hùng Vương (10/3 âm lịch, Chủ nhật 26/4/2026)',
     'Bộ luật Lao động 2019, Điều 112 khoản 1 điểm e và Điều 111 khoản 3: ngày lễ trùng ngày nghỉ hằng tuần được nghỉ bù vào ngày làm việc kế tiếp.', false),
    ('2026-04-30', 'public_holiday', 'Ngày Chiến thắng (30/4)',
     'Bộ luật Lao động 2019, Điều 112 khoản 1 điểm c.', false),
    ('2026-05-01', 'public_holiday', 'Ngày Quốc tế Lao động (1/5)',
     'Bộ luật Lao động 2019, Điều 112 khoản 1 điểm d.', false),
    ('2026-08-22', 'working_day', 'Làm bù cho ngày nghỉ thứ Hai 31/8/2026',
     'Ý kiến Thủ tướng Chính phủ do Văn phòng Chính phủ truyền đạt tháng 10/2025: nghỉ Quốc khánh từ thứ Bảy 29/8 đến hết thứ Tư 02/9/2026, hoán đổi ngày làm việc thứ Hai 31/8/2026 sang thứ Bảy 22/8/2026.', false),
    ('2026-08-31', 'day_off', 'Nghỉ hoán đổi dịp Quốc khánh (làm bù thứ Bảy 22/8/2026)',
     'Ý kiến Thủ tướng Chính phủ do Văn phòng Chính phủ truyền đạt tháng 10/2025: nghỉ Quốc khánh từ thứ Bảy 29/8 đến hết thứ Tư 02/9/2026, hoán đổi ngày làm việc thứ Hai 31/8/2026 sang thứ Bảy 22/8/2026.', false),
    ('2026-09-01', 'public_holiday', 'Quốc khánh (ngày liền kề trước 2/9)',
     'Bộ luật Lao động 2019, Điều 112 khoản 1 điểm đ; ý kiến Thủ tướng Chính phủ do Văn phòng Chính phủ truyền đạt tháng 10/2025: nghỉ Quốc khánh từ thứ Bảy 29/8 đến hết thứ Tư 02/9/2026.', false),
    ('2026-09-02', 'public_holiday', 'Quốc khánh (2/9)',
     'Bộ luật Lao động 2019, Điều 112 khoản 1 điểm đ; ý kiến Thủ tướng Chính phủ do Văn phòng Chính phủ truyền đạt tháng 10/2025: nghỉ Quốc khánh từ thứ Bảy 29/8 đến hết thứ Tư 02/9/2026.', false),

    -- 2027: the Government had not published the Tết and National Day schedule; the dates
    -- below apply the Labour Code and are marked provisional where a choice is involved.
    ('2027-01-01', 'public_holiday', 'Tết Dương lịch',
     'Bộ luật Lao động 2019, Điều 112 khoản 1 điểm a.', false),
    ('2027-02-05', 'public_holiday', 'Tết Nguyên đán Đinh Mùi (29 tháng Chạp)',
     'Dự kiến, chờ quyết định của Thủ tướng Chính phủ (Điều 112 khoản 3): 5 ngày Tết theo Điều 112 khoản 1 điểm b, giả định từ 29 tháng Chạp đến mùng 4 tháng Giêng (05/02 – 09/02/2027).', true),
    ('2027-02-08', 'public_holiday', 'Tết Nguyên đán Đinh Mùi (mùng 3 tháng Giêng)',
     'Dự kiến, chờ quyết định của Thủ tướng Chính phủ (Điều 112 khoản 3): 5 ngày Tết theo Điều 112 khoản 1 điểm b, giả định từ 29 tháng Chạp đến mùng 4 tháng Giêng (05/02 – 09/02/2027).', true),
    ('2027-02-09', 'public_holiday', 'Tết Nguyên đán Đinh Mùi (mùng 4 tháng Giêng)',
     'Dự kiến, chờ quyết định của Thủ tướng Chính phủ (Điều 112 khoản 3): 5 ngày Tết theo Điều 112 khoản 1 điểm b, giả định từ 29 tháng Chạp đến mùng 4 tháng Giêng (05/02 – 09/02/2027).', true),
    ('2027-02-10', 'day_off', 'Nghỉ bù Tết Nguyên đán Đinh Mùi (mùng 1 trùng thứ Bảy 06/02/2027)',
     'Dự kiến: Bộ luật Lao động 2019, Điều 111 khoản 3 (ngày Tết trùng ngày nghỉ hằng tuần được nghỉ bù vào ngày làm việc kế tiếp); phụ thuộc lịch nghỉ Tết chính thức.', true),
    ('2027-02-11', 'day_off', 'Nghỉ bù Tết Nguyên đán Đinh Mùi (mùng 2 trùng Chủ nhật 07/02/2027)',
     'Dự kiến: Bộ luật Lao động 2019, Điều 111 khoản 3 (ngày Tết trùng ngày nghỉ hằng tuần được nghỉ bù vào ngày làm việc kế tiếp); phụ thuộc lịch nghỉ Tết chính thức.', true),
    ('2027-04-16', 'public_holiday', 'Giỗ Tổ Hùng Vương (10/3 âm lịch)',
     'Bộ luật Lao động 2019, Điều 112 khoản 1 điểm e.', false),
    ('2027-04-30', 'public_holiday', 'Ngày Chiến thắng (30/4)',
     'Bộ luật Lao động 2019, Điều 112 khoản 1 điểm c.', false),
    ('2027-05-03', 'day_off', 'Nghỉ bù Ngày Quốc tế Lao động (1/5 trùng thứ Bảy)',
     'Bộ luật Lao động 2019, Điều 112 khoản 1 điểm d và Điều 111 khoản 3: ngày lễ trùng ngày nghỉ hằng tuần được nghỉ bù vào ngày làm việc kế tiếp.', false),
    ('2027-09-02', 'public_holiday', 'Quốc khánh (2/9)',
     'Bộ luật Lao động 2019, Điều 112 khoản 1 điểm đ.', false),
    ('2027-09-03', 'public_holiday', 'Quốc khánh (ngày liền kề sau 2/9)',
     'Dự kiến: Điều 112 khoản 1 điểm đ cho nghỉ thêm 01 ngày liền kề trước hoặc sau 2/9, do Thủ tướng Chính phủ quyết định (khoản 3); giả định thứ Sáu 03/9/2027.', true)
ON CONFLICT (day) DO NOTHING;
