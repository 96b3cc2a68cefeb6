-- As the migrations up to 20261122110000 left it (pg_get_functiondef); restored by the down of 20261204172000.
CREATE OR REPLACE FUNCTION public.charge_points_batch(p_charges jsonb)
 RETURNS TABLE(idx integer, decision text, reason text, charged_points integer, remaining_points integer, record_id uuid, replayed boolean)
 LANGUAGE plpgsql
 SET lock_timeout TO '2s'
AS $function$
  #variable_conflict use_column
  DECLARE
    c record;
    r record;
    v_now timestamptz := now();
    v_user uuid;          -- the user whose elements are being decided
    v_total integer;      -- that user's points before the batch
    v_left integer;       -- and after the elements allowed so far
    -- The allowed charges, in the order decided (by user, then array order): their ledger rows.
    a_ids uuid[] := '{}'; a_users uuid[] := '{}'; a_keys uuid[] := '{}'; a_services integer[] := '{}';
    a_requests varchar[] := '{}'; a_names varchar[] := '{}'; a_paths varchar[] := '{}';
    a_points integer[] := '{}'; a_balances integer[] := '{}'; a_offsets integer[] := '{}';
    -- What each user spends in the batch.
    s_users uuid[] := '{}'; s_points integer[] := '{}';
    -- The lots drawn (points_take_lots).
    d_users uuid[]; d_lots uuid[]; d_taken integer[]; d_before integer[]; d_expiries timestamptz[];
  BEGIN
    -- As charge_points: the commit does not wait for the WAL flush (see its comment).
    PERFORM set_config('synchronous_commit', 'off', true);
    -- Every user of the batch first, in id order: two batches never wait on each other in a circle.
    PERFORM 1 FROM meta_user u
     WHERE u.id IN (SELECT k.user_id FROM meta_auth_key k
                     WHERE k.id IN (SELECT (e->>'key')::uuid FROM jsonb_array_elements(p_charges) e))
     ORDER BY u.id
       FOR UPDATE;

    IF EXISTS (SELECT 1 FROM jsonb_array_elements(p_charges) e WHERE e->>'request' IS NOT NULL
                GROUP BY e->>'service', e->>'request' HAVING count(*) > 1) THEN
      -- A request id twice in the batch: the second answer depends on the first's; decide one by one.
      FOR c IN SELECT e.v, (e.ord - 1)::integer AS i FROM jsonb_array_elements(p_charges) WITH ORDINALITY e(v, ord) ORDER BY e.ord LOOP
        SELECT * INTO r FROM charge_points((c.v->>'key')::uuid, (c.v->>'api')::integer, (c.v->>'service')::integer,
                                           c.v->>'hash', c.v->>'request');
        idx := c.i; decision := r.decision; reason := r.reason; charged_points := r.charged_points;
        remaining_points := r.remaining_points; record_id := r.record_id; replayed := r.replayed;
        RETURN NEXT;
      END LOOP;
      RETURN;
    END IF;

    -- Due lots expire first (the same function as every points change), so total_points below is
    -- exactly what the unexpired lots hold.
    PERFORM points_expire_user_lots(d.user_id, v_now)
       FROM (SELECT DISTINCT l.user_id FROM points_lots l
              WHERE l.user_id IN (SELECT k.user_id FROM meta_auth_key k
                                   WHERE k.id IN (SELECT (e->>'key')::uuid FROM jsonb_array_elements(p_charges) e))
                AND l.expired_at IS NULL AND l.remaining > 0 AND l.expires_at <= v_now) d;

    -- A new statement, so a new snapshot: everything committed before we got the locks is seen.
    FOR c IN
      SELECT (e.ord - 1)::integer AS i, (e.v->>'key')::uuid AS key_id, k.id IS NOT NULL AS key_found, k.user_id,
             u.status AS user_status, u.total_points,
             (e.v->>'service')::integer AS service_id, (e.v->>'request')::varchar AS request_id,
             (ms.status = 1 AND ms.secret_hash = e.v->>'hash') IS TRUE AS service_ok,
             k.deleted_at IS NOT NULL AS deleted, k.status AS key_status, k.expires_at <= v_now AS expired,
             a.status AS api_status, a.name AS api_name, a.path AS api_path, a.points_per_call,
             (k.scope_all OR EXISTS (SELECT 1 FROM api_key_scopes s WHERE s.api_key_id = k.id AND s.api_id = (e.v->>'api')::integer)) AS in_scope,
             p.id AS replay_id, p.api_key_id AS replay_key_id, p.points_change AS replay_change, p.remaining_points AS replay_remaining
        FROM jsonb_array_elements(p_charges) WITH ORDINALITY e(v, ord)
        LEFT JOIN meta_auth_key k ON k.id = (e.v->>'key')::uuid
        LEFT JOIN meta_user u ON u.id = k.user_id
        LEFT JOIN metering_services ms ON ms.id = (e.v->>'service')::integer
        LEFT JOIN api_catalog a ON a.id = (e.v->>'api')::integer
        LEFT JOIN purchase_record p ON p.metering_service_id = (e.v->>'service')::integer AND p.request_id = e.v->>'request'
       ORDER BY k.user_id NULLS LAST, e.ord
    LOOP
      IF c.user_id IS DISTINCT FROM v_user THEN
        IF v_left < v_total THEN
          s_users := s_users || v_user; s_points := s_points || (v_total - v_left);
        END IF;
        v_user := c.user_id;
        v_total := c.total_points;
        v_left := c.total_points;
      END IF;
      idx := c.i; decision := 'deny'; reason := NULL; charged_points := NULL; remaining_points := NULL;
      record_id := NULL; replayed := NULL;
      -- The checks of charge_points, in its order.
      IF NOT c.key_found THEN
        reason := 'KEY_NOT_FOUND';
      ELSIF NOT c.service_ok THEN
        decision := 'unauthorized';
      ELSIF c.replay_id IS NOT NULL THEN
        IF c.replay_key_id IS DISTINCT FROM c.key_id THEN
          reason := 'REQUEST_ID_REUSED';
        ELSE
          decision := 'allow'; charged_points := -c.replay_change; remaining_points := c.replay_remaining;
          record_id := c.replay_id; replayed := true;
        END IF;
      ELSE
        reason := CASE
          WHEN c.deleted THEN 'KEY_NOT_FOUND'
          WHEN c.key_status <> 1 THEN 'KEY_DISABLED'
          WHEN c.expired THEN 'KEY_EXPIRED'
          WHEN c.api_status IS DISTINCT FROM 1 THEN 'API_NOT_FOUND'
          WHEN NOT c.in_scope THEN 'API_NOT_IN_SCOPE'
          WHEN c.user_status <> 1 THEN 'USER_FROZEN'
          WHEN v_left < c.points_per_call THEN 'INSUFFICIENT_POINTS'
        END;
        IF reason = 'INSUFFICIENT_POINTS' THEN
          remaining_points := v_left;
        ELSIF reason IS NULL THEN
          v_left := v_left - c.points_per_call;
          decision := 'allow'; charged_points := c.points_per_call; remaining_points := v_left;
          record_id := gen_random_uuid(); replayed := false;
          a_ids := a_ids || record_id; a_users := a_users || v_user; a_keys := a_keys || c.key_id;
          a_services := a_services || c.service_id; a_requests := a_requests || c.request_id;
          a_names := a_names || c.api_name; a_paths := a_paths || c.api_path; a_points := a_points || c.points_per_call;
          a_balances := a_balances || v_left; a_offsets := a_offsets || (v_total - v_left - c.points_per_call);
        END IF;
      END IF;
      RETURN NEXT;
    END LOOP;
    IF v_left < v_total THEN
      s_users := s_users || v_user; s_points := s_points || (v_total - v_left);
    END IF;
    IF cardinality(s_users) = 0 THEN
      RETURN;
    END IF;

    SELECT array_agg(t.user_id), array_agg(t.lot_id), array_agg(t.taken), array_agg(t.drawn_before), array_agg(t.expires_at)
      INTO d_users, d_lots, d_taken, d_before, d_expiries
      FROM points_take_lots(s_users, s_points, v_now) t;
    UPDATE meta_user u SET total_points = u.total_points - s.points, updated_at = now()
      FROM unnest(s_users, s_points) AS s(user_id, points)
     WHERE u.id = s.user_id;
    -- Each charge took the next points of its user's draw: the lot that holds its first point, named
    -- on the row when it holds all of them.
    INSERT INTO purchase_record (
      id, user_id, api_key_id, lot_id, metering_service_id, request_id, api_name, api_path,
      points_change, remaining_points, operation_type, memo, expire_time
    )
    SELECT c.id, c.user_id, c.key_id, CASE WHEN c.off + c.points <= d.before + d.taken THEN d.lot_id END,
           c.service_id, c.request_id, c.api_name, c.api_path, -c.points, c.balance, 2, 'API 调用：' || c.api_name, d.expiry
      FROM unnest(a_ids, a_users, a_keys, a_services, a_requests, a_names, a_paths, a_points, a_balances, a_offsets)
           WITH ORDINALITY AS c(id, user_id, key_id, service_id, request_id, api_name, api_path, points, balance, off, ord)
      CROSS JOIN LATERAL (
        SELECT x.lot_id, x.taken, x.before, x.expiry
          FROM unnest(d_users, d_lots, d_taken, d_before, d_expiries) AS x(user_id, lot_id, taken, before, expiry)
         WHERE x.user_id = c.user_id AND x.before <= c.off
         ORDER BY x.before DESC
         LIMIT 1
      ) d
     ORDER BY c.ord; -- seq follows the order the charges were decided in
  END
  $function$;
