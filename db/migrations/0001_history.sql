-- rtm's history: trades, bars and alerts, as rtm-stream writes them and
-- rtm-api reads them beyond the hot store's retention. Times are ns since
-- the Unix epoch (exact, as in the records); decimals are exact numerics.

-- Trades: one row per venue trade, range-partitioned by day of ts_event.
-- (instrument_id, seq) identifies a trade; ts_event is in the key because a
-- partitioned table's unique keys must hold its partition key.
CREATE TABLE trades (
    ts_event      bigint   NOT NULL,
    instrument    text     NOT NULL,   -- venue:SYMBOL
    instrument_id bigint   NOT NULL,   -- rtm's 64-bit id, as a signed integer
    seq           bigint   NOT NULL,
    price         numeric  NOT NULL,
    size          numeric  NOT NULL,
    side          text     NOT NULL,   -- the aggressor's: buy, sell, unknown
    trade_id      bigint   NOT NULL,
    ts_recv       bigint   NOT NULL,
    PRIMARY KEY (instrument_id, seq, ts_event)
) PARTITION BY RANGE (ts_event);

-- What /v1/trades asks: one instrument, a time range, in time order.
CREATE INDEX trades_instrument_time ON trades (instrument, ts_event);

-- Creates the daily partitions of trades for `days` days from `first_day`
-- (UTC) that do not exist yet; returns how many it created.
CREATE FUNCTION rtm_create_trade_partitions(first_day date, days integer) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
    day date;
    made integer := 0;
    day_ns bigint;
BEGIN
    FOR i IN 0 .. days - 1 LOOP
        day := first_day + i;
        IF to_regclass('trades_' || to_char(day, 'YYYYMMDD')) IS NULL THEN
            day_ns := (extract(epoch FROM day::timestamp AT TIME ZONE 'UTC'))::bigint * 1000000000;
            EXECUTE format('CREATE TABLE %I PARTITION OF trades FOR VALUES FROM (%s) TO (%s)',
                           'trades_' || to_char(day, 'YYYYMMDD'), day_ns, day_ns + 86400000000000);
            made := made + 1;
        END IF;
    END LOOP;
    RETURN made;
END;
$$;

-- Bars: one row per series, interval and start; a revision replaces the row.
CREATE TABLE bars (
    series       text     NOT NULL,   -- venue:SYMBOL, or a canonical symbol across venues
    interval_ns  bigint   NOT NULL,
    start_ns     bigint   NOT NULL,
    open         numeric  NOT NULL,
    high         numeric  NOT NULL,
    low          numeric  NOT NULL,
    close        numeric  NOT NULL,
    volume       numeric  NOT NULL,
    vwap         numeric  NOT NULL,
    trades       bigint   NOT NULL,
    buy_volume   numeric  NOT NULL,
    sell_volume  numeric  NOT NULL,
    final        boolean  NOT NULL,
    revision     integer  NOT NULL,
    ts_event     bigint   NOT NULL,
    ts_recv      bigint   NOT NULL,
    PRIMARY KEY (series, interval_ns, start_ns)
);

-- Alerts, once each: a rule fires for an instrument at an event time.
CREATE TABLE alerts (
    ts_event     bigint   NOT NULL,
    subject      text     NOT NULL,   -- venue:SYMBOL, or a canonical symbol
    rule         text     NOT NULL,
    severity     text     NOT NULL,
    observed     double precision NOT NULL,
    threshold    double precision NOT NULL,
    ts_recv      bigint   NOT NULL,
    PRIMARY KEY (subject, rule, ts_event)
);
CREATE INDEX alerts_time ON alerts (ts_event);
