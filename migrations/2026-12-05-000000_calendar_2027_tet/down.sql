-- Back to the 2025–2027 seed's assumption for Tết 2027 (05/02 – 11/02), touching only rows
-- as up.sql wrote them.

DELETE FROM holidays
WHERE day = '2027-02-04' AND provisional
  AND name = 'Tết Nguyên đán Đinh Mùi (ngày nghỉ trước Tết)';

UPDATE holidays
SET kind = 'public_holiday',
    name = 'Tết Nguyên đán Đinh Mùi (mùng 4 tháng Giêng)',
    note = 'Dự kiến, chờ quyết định của Thủ tướng Chính phủ (Điều 112 khoản 3): 5 ngày Tết theo Điều 112 khoản 1 điểm b, giả định từ 29 tháng Chạp đến mùng 4 tháng Giêng (05/02 – 09/02/2027).',
    updated_at = now()
WHERE day = '2027-02-09' AND provisional
  AND name = 'Nghỉ bù Tết Nguyên đán Đinh Mùi (mùng 2 trùng Chủ nhật 07/02/2027)';

INSERT INTO holidays (day, kind, name, note, provisional) VALUES
    ('2027-02-11', 'day_off', 'Nghỉ bù Tết Nguyên đán Đinh Mùi (mùng 2 trùng Chủ nhật 07/02/2027)',
     'Dự kiến: Bộ luật Lao động 2019, Điều 111 khoản 3 (ngày Tết trùng ngày nghỉ hằng tuần được nghỉ bù vào ngày làm việc kế tiếp); phụ thuộc lịch nghỉ Tết chính thức.', true)
ON CONFLICT (day) DO NOTHING;
