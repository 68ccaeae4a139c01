-- Tết Đinh Mùi 2027: mùng 1 tháng Giêng is Saturday 06/02/2027 (astronomical lunar calendar,
-- UTC+7). The 2025–2027 seed assumed 05/02 – 09/02 plus two compensating days after
-- (10/02, 11/02). When Tết fell on a Saturday before (Canh Tý 2020, Giáp Thìn 2024), the
-- Government's schedules gave the days off around it: one day before the two weekend days
-- and the days after up to mùng 5, seven days in all. Here that is Thursday 04/02 to
-- Wednesday 10/02/2027, and Thursday 11/02 is a working day. It stays provisional until the
-- Prime Minister decides (Bộ luật Lao động 2019, Điều 112 khoản 3).
--
-- Only rows as the seed wrote them are touched: a day the Office has edited (or confirmed
-- with the official decision) is left as it is.

INSERT INTO holidays (day, kind, name, note, provisional) VALUES
    ('2027-02-04', 'public_holiday', 'Tết Nguyên đán Đinh Mùi (ngày nghỉ trước Tết)',
     'Dự kiến, chờ quyết định của Thủ tướng Chính phủ (Điều 112 khoản 3): theo tiền lệ Tết rơi vào thứ Bảy (2020, 2024), nghỉ từ thứ Năm 04/02 đến hết thứ Tư 10/02/2027.', true)
ON CONFLICT (day) DO NOTHING;

UPDATE holidays
SET kind = 'day_off',
    name = 'Nghỉ bù Tết Nguyên đán Đinh Mùi (mùng 2 trùng Chủ nhật 07/02/2027)',
    note = 'Dự kiến: Bộ luật Lao động 2019, Điều 111 khoản 3 (ngày Tết trùng ngày nghỉ hằng tuần được nghỉ bù vào ngày làm việc kế tiếp); phụ thuộc lịch nghỉ Tết chính thức.',
    updated_at = now()
WHERE day = '2027-02-09' AND provisional
  AND name = 'Tết Nguyên đán Đinh Mùi (mùng 4 tháng Giêng)';

DELETE FROM holidays
WHERE day = '2027-02-11' AND provisional
  AND name = 'Nghỉ bù Tết Nguyên đán Đinh Mùi (mùng 2 trùng Chủ nhật 07/02/2027)';
