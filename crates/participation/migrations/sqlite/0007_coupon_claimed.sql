-- When the winner first opened the claim page: the prize was claimed (seen),
-- counted beside redemptions (docs/design.md §6.4).
ALTER TABLE coupons ADD COLUMN claimed_at TEXT;
