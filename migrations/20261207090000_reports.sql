-- Reports look up the balance transactions a dispute or refund caused by their source.
CREATE INDEX stripe_balance_transactions_source ON stripe_balance_transactions (source);
