-- One metering charge in one statement (its own transaction, committed with synchronous_commit
-- off): locks the key's user, re-reads the service credentials, the key, the API and its scope
-- under that lock, decides with charge_verdict, then draws through points_draw. A lone charge on an
-- idle process; concurrent ones go together through charge_points_batch, which decides the same way.
-- Waits at most 2 s for a lock (a user row held elsewhere answers 55P03, "busy, retry").
CREATE OR REPLACE FUNCTION charge_points(
  p_key_id uuid,
  p_api_id integer,
  p_service_id integer,
  p_secret_hash text,
  p_request_id varchar,
  OUT decision text,
  OUT reason text,
  OUT charged_points integer,
  OUT remaining_points integer,
  OUT record_id uuid,
  OUT replayed boolean
)
LANGUAGE plpgsql
SET lock_timeout = '2s'
AS $fn$
DECLARE
  v_user uuid;
  v_user_status smallint;
  c record;
  v_draw jsonb;
BEGIN
  -- This transaction only: the commit does not wait for the WAL flush, which would otherwise
  -- sit inside the user's row lock and bound one user's charges per second. A database crash
  -- can lose the last few hundred ms of charges (free calls), never overdraw or break the books.
  PERFORM set_config('synchronous_commit', 'off', true);
  -- The user first (every points change locks it before anything else), found through the key.
  SELECT u.id, u.status INTO v_user, v_user_status
    FROM meta_user u
   WHERE u.id = (SELECT k.user_id FROM meta_auth_key k WHERE k.id = p_key_id)
     FOR UPDATE;
  IF NOT FOUND THEN
    decision := 'deny'; reason := 'KEY_NOT_FOUND';
    RETURN;
  END IF;
  -- A new statement, so a new snapshot: everything committed before we got the lock is seen.
  SELECT (ms.status = 1 AND ms.secret_hash = p_secret_hash) IS TRUE AS service_ok,
         k.deleted_at IS NOT NULL AS deleted, k.status AS key_status, k.expires_at <= now() AS expired,
         a.status AS api_status, a.name AS api_name, a.path AS api_path, a.points_per_call,
         (k.scope_all OR EXISTS (SELECT 1 FROM api_key_scopes s WHERE s.api_key_id = k.id AND s.api_id = p_api_id)) AS in_scope,
         r.id AS replay_id, r.api_key_id AS replay_key_id, r.points_change AS replay_change, r.remaining_points AS replay_remaining
    INTO c
    FROM meta_auth_key k
    LEFT JOIN metering_services ms ON ms.id = p_service_id
    LEFT JOIN api_catalog a ON a.id = p_api_id
    LEFT JOIN purchase_record r ON r.metering_service_id = p_service_id AND r.request_id = p_request_id
   WHERE k.id = p_key_id;
  IF NOT FOUND THEN
    decision := 'deny'; reason := 'KEY_NOT_FOUND';
    RETURN;
  END IF;
  -- Every check after "the key exists", in the one order both charge functions share.
  reason := charge_verdict(true, c.service_ok, c.replay_id IS NOT NULL, c.replay_key_id IS NOT DISTINCT FROM p_key_id,
                           c.deleted, c.key_status, c.expired, c.api_status, c.in_scope, v_user_status,
                           NULL, c.points_per_call);
  IF reason = 'UNAUTHORIZED' THEN
    decision := 'unauthorized'; reason := NULL;
    RETURN;
  ELSIF reason = 'REPLAYED' THEN
    decision := 'allow'; reason := NULL; charged_points := -c.replay_change; remaining_points := c.replay_remaining;
    record_id := c.replay_id; replayed := true;
    RETURN;
  ELSIF reason IS NOT NULL THEN
    decision := 'deny';
    RETURN;
  END IF;
  -- The balance, last of the checks: points_draw expires the user's due lots, then refuses what they cannot cover.
  v_draw := points_draw(v_user, c.points_per_call, 2, now(), p_key_id, c.api_name, c.api_path,
                        p_service_id, p_request_id, 'API 调用：' || c.api_name, NULL);
  IF v_draw->>'outcome' = 'insufficient' THEN
    decision := 'deny'; reason := 'INSUFFICIENT_POINTS'; remaining_points := (v_draw->>'available')::integer;
    RETURN;
  END IF;
  -- 'replayed' here means another user's key committed this request id a moment ago.
  IF v_draw->>'outcome' = 'replayed' AND (v_draw->'record'->>'api_key_id')::uuid IS DISTINCT FROM p_key_id THEN
    decision := 'deny'; reason := 'REQUEST_ID_REUSED';
    RETURN;
  END IF;
  decision := 'allow';
  charged_points := -(v_draw->'record'->>'points_change')::integer;
  remaining_points := (v_draw->>'balance')::integer;
  record_id := (v_draw->'record'->>'id')::uuid;
  replayed := v_draw->>'outcome' = 'replayed';
END
$fn$;
