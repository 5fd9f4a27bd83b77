-- How many times a message was sent again with the same grouping key (the
-- sandbox answers the first acceptance): a test can tell a sender that
-- looked its message up from one that sent it twice.
ALTER TABLE received_messages ADD COLUMN repeats BIGINT NOT NULL DEFAULT 0;
