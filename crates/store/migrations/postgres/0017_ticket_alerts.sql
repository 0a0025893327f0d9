-- "Your turn is near": a visitor who left a phone number (on the ticket's page,
-- or with the booking it was checked in from) gets one message when few people
-- are ahead, or when called if that came first. The number stays sealed.
CREATE TABLE ticket_alerts (
    ticket_id BIGINT PRIMARY KEY REFERENCES tickets(id),
    mpp_id BIGINT NOT NULL REFERENCES mpps(id),
    phone_sealed TEXT NOT NULL,
    phone_masked TEXT NOT NULL,
    -- pending until sent once; dropped when the ticket ended before its turn came near.
    status TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'dropped')),
    created_at TIMESTAMPTZ NOT NULL,
    sent_at TIMESTAMPTZ
);
CREATE INDEX ticket_alerts_pending ON ticket_alerts (ticket_id) WHERE status = 'pending';
