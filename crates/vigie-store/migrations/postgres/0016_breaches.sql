-- The breach register (GDPR art. 33(5), issue 13): one row per breach, numbered per
-- organization; the record itself is vigie-core's `Breach` as JSON. `awaiting` is 1 while a
-- notification is due and neither made nor decided against: the banner of every page of a DPO
-- or an administrator reads those rows, found by the key's prefix.
CREATE TABLE breaches (
    org_id      BIGINT NOT NULL,
    id          BIGINT NOT NULL,
    document    TEXT NOT NULL,
    awaiting    BIGINT NOT NULL,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL,
    PRIMARY KEY (org_id, id)
);
