-- Which connected mode Paydesk works in (new pay links, charges, the TEST MODE sign). One row at most;
-- absent means "live when connected, otherwise test". Records made in one mode keep their own mode.
CREATE TABLE stripe_preferences (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    active_mode TEXT NOT NULL CHECK (active_mode IN ('test', 'live'))
);
