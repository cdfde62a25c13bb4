-- Each person's latest consent receipt (signed, pseudonym only), shared by every gateway on the
-- same PostgreSQL so that a change through one gateway is honoured by the next request to any
-- other (SharedConsent). Each gateway's own consent log keeps the full history.
CREATE TABLE IF NOT EXISTS consent_latest (
  pseudonym VARCHAR(128) PRIMARY KEY,
  receipt TEXT NOT NULL,
  iat BIGINT NOT NULL
);
