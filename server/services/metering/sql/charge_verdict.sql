-- The order of a metering charge's checks in the database, written once: charge_points and
-- charge_points_batch both decide through this. NULL when the charge goes ahead, else the first
-- check that fails:
--   KEY_NOT_FOUND       no such key
--   UNAUTHORIZED        the metering service's credentials are no longer valid (answered 401)
--   REPLAYED            this key already charged this (service, request id): answer that charge again
--   REQUEST_ID_REUSED   another key charged this (service, request id)
--   KEY_NOT_FOUND, KEY_DISABLED, KEY_EXPIRED   the key is deleted, disabled, past its expiry
--   API_NOT_FOUND, API_NOT_IN_SCOPE            the API is gone or off, or not in the key's scope
--   USER_FROZEN, INSUFFICIENT_POINTS           the key's user is frozen, or cannot pay the price
-- `p_available` NULL leaves the balance to the caller's draw (charge_points: points_draw, which
-- expires the user's due lots first). The process checks the IP whitelist before any of this.
-- An IMMUTABLE SQL function with each argument used once: PostgreSQL inlines it into the callers'
-- expressions, so deciding through it costs no function call.
CREATE OR REPLACE FUNCTION charge_verdict(
  p_key_found boolean,
  p_service_ok boolean,
  p_replay_found boolean,
  p_replay_same_key boolean,
  p_key_deleted boolean,
  p_key_status smallint,
  p_key_expired boolean,
  p_api_status smallint,
  p_in_scope boolean,
  p_user_status smallint,
  p_available integer,
  p_price integer
) RETURNS text
LANGUAGE sql
IMMUTABLE
AS $fn$
  SELECT CASE
    WHEN NOT p_key_found THEN 'KEY_NOT_FOUND'
    WHEN NOT p_service_ok THEN 'UNAUTHORIZED'
    WHEN p_replay_found THEN CASE WHEN p_replay_same_key THEN 'REPLAYED' ELSE 'REQUEST_ID_REUSED' END
    WHEN p_key_deleted THEN 'KEY_NOT_FOUND'
    WHEN p_key_status <> 1 THEN 'KEY_DISABLED'
    WHEN p_key_expired THEN 'KEY_EXPIRED'
    WHEN p_api_status IS DISTINCT FROM 1 THEN 'API_NOT_FOUND'
    WHEN NOT p_in_scope THEN 'API_NOT_IN_SCOPE'
    WHEN p_user_status <> 1 THEN 'USER_FROZEN'
    WHEN p_available < p_price THEN 'INSUFFICIENT_POINTS'
  END
$fn$;
