-- As the migrations up to 20261122110000 left it (pg_get_functiondef); restored by the down of 20261204172000.
CREATE OR REPLACE FUNCTION public.charge_points(p_key_id uuid, p_api_id integer, p_service_id integer, p_secret_hash text, p_request_id character varying, OUT decision text, OUT reason text, OUT charged_points integer, OUT remaining_points integer, OUT record_id uuid, OUT replayed boolean)
 RETURNS record
 LANGUAGE plpgsql
 SET lock_timeout TO '2s'
AS $function$
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
        IF NOT c.service_ok THEN
          decision := 'unauthorized';
          RETURN;
        END IF;
        IF c.replay_id IS NOT NULL THEN
          IF c.replay_key_id IS DISTINCT FROM p_key_id THEN
            decision := 'deny'; reason := 'REQUEST_ID_REUSED';
          ELSE
            decision := 'allow'; charged_points := -c.replay_change; remaining_points := c.replay_remaining;
            record_id := c.replay_id; replayed := true;
          END IF;
          RETURN;
        END IF;
        reason := CASE
          WHEN c.deleted THEN 'KEY_NOT_FOUND'
          WHEN c.key_status <> 1 THEN 'KEY_DISABLED'
          WHEN c.expired THEN 'KEY_EXPIRED'
          WHEN c.api_status IS DISTINCT FROM 1 THEN 'API_NOT_FOUND'
          WHEN NOT c.in_scope THEN 'API_NOT_IN_SCOPE'
          WHEN v_user_status <> 1 THEN 'USER_FROZEN'
        END;
        IF reason IS NOT NULL THEN
          decision := 'deny';
          RETURN;
        END IF;
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
      $function$;
