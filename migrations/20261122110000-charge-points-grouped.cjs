'use strict';

/**
 * Metering charges decided and written set-wise: a batch of N charges is a fixed handful of
 * statements (lock, read, draw, one balance UPDATE, one ledger INSERT) instead of N runs of
 * charge_points, whether the N charges belong to one user or to N users.
 *
 * - points_take_lots(users[], points[], now): THE FIFO draw — for each user, takes the points
 *   (summed per user) from their unexpired lots, soonest expiry first, in one UPDATE, and answers
 *   the slices (user, lot, points taken, points drawn from the user's earlier lots, expiry). Raises
 *   when a user's lots hold less than asked (the books would be broken). points_draw (one charge or
 *   an admin deduction) and charge_points_batch both use it; nothing else walks the lots.
 * - charge_points_batch(charges jsonb) replaces the per-element version (which ran charge_points in
 *   a sub-transaction per element, one charge per user per batch). It locks the batch's users in id
 *   order, expires their due lots, reads every element's key, service, API, scope and earlier ledger
 *   row in ONE query, and decides each user's elements in array order exactly as charge_points would
 *   one after another: the same checks in the same order, each element seeing the points spent by
 *   the ones before it. Then one draw, one UPDATE of the balances and one INSERT of the ledger rows
 *   (in array order, so `seq` follows it; each row names its lot when one lot covers it, and the
 *   expiry of its first lot, as points_draw). A request id that appears twice in one batch is the
 *   rare case the set-wise reading cannot decide; such a batch runs charge_points per element.
 *   An error (e.g. another batch committing one of our request ids first) undoes the whole
 *   statement; the caller then charges each element alone.
 * - Both charge functions wait at most 2 s for a lock (`lock_timeout`, set on the function): a user
 *   row held by a slow transaction elsewhere makes those charges fail as "busy" (55P03) instead of
 *   stalling every charge queued behind them.
 */
const up = `
  CREATE FUNCTION points_take_lots(p_user_ids uuid[], p_points integer[], p_now timestamptz)
  RETURNS TABLE (user_id uuid, lot_id uuid, taken integer, drawn_before integer, expires_at timestamptz)
  LANGUAGE plpgsql AS $fn$
  #variable_conflict use_column
  DECLARE
    t_users uuid[];
    t_lots uuid[];
    t_taken integer[];
    t_before integer[];
    t_expiries timestamptz[];
    v_short uuid;
  BEGIN
    WITH need AS (
      SELECT n.user_id, sum(n.points)::integer AS points FROM unnest(p_user_ids, p_points) AS n(user_id, points) GROUP BY n.user_id
    ), candidates AS (
      -- Each lot with what the user's earlier lots (soonest expiry first) hold before it.
      SELECT l.id, l.user_id, l.remaining, n.points,
             (sum(l.remaining) OVER (PARTITION BY l.user_id ORDER BY l.expires_at, l.created_at, l.id) - l.remaining)::integer AS before
        FROM (SELECT x.id, x.user_id, x.remaining, x.expires_at, x.created_at FROM points_lots x
               WHERE x.user_id IN (SELECT need.user_id FROM need)
                 AND x.expired_at IS NULL AND x.remaining > 0 AND x.expires_at > p_now
                 FOR UPDATE) l
        JOIN need n ON n.user_id = l.user_id
    ), taken AS (
      UPDATE points_lots l SET remaining = l.remaining - least(c.remaining, c.points - c.before), updated_at = now()
        FROM candidates c
       WHERE l.id = c.id AND c.before < c.points
      RETURNING l.user_id, l.id, least(c.remaining, c.points - c.before)::integer AS taken, c.before, l.expires_at
    )
    SELECT array_agg(t.user_id ORDER BY t.user_id, t.before), array_agg(t.id ORDER BY t.user_id, t.before),
           array_agg(t.taken ORDER BY t.user_id, t.before), array_agg(t.before ORDER BY t.user_id, t.before),
           array_agg(t.expires_at ORDER BY t.user_id, t.before),
           (SELECT n.user_id FROM need n
             WHERE n.points > (SELECT COALESCE(sum(t2.taken), 0) FROM taken t2 WHERE t2.user_id = n.user_id) LIMIT 1)
      INTO t_users, t_lots, t_taken, t_before, t_expiries, v_short
      FROM taken t;
    IF v_short IS NOT NULL THEN
      RAISE EXCEPTION 'points_take_lots: the lots of user % hold less than asked', v_short;
    END IF;
    RETURN QUERY SELECT * FROM unnest(t_users, t_lots, t_taken, t_before, t_expiries);
  END
  $fn$;

  CREATE OR REPLACE FUNCTION points_draw(
    p_user_id uuid,
    p_points integer,
    p_operation_type integer,
    p_now timestamptz,
    p_api_key_id uuid,
    p_api_name varchar,
    p_api_path varchar,
    p_metering_service_id integer,
    p_request_id varchar,
    p_memo text,
    p_actor_admin_id integer
  ) RETURNS jsonb
  LANGUAGE plpgsql AS $fn$
  DECLARE
    d record;
    rec purchase_record;
    v_total integer;
    v_balance integer;
    v_draws jsonb := '[]'::jsonb;
    v_first_lot uuid;
    v_first_expiry timestamptz;
    v_lots integer := 0;
  BEGIN
    IF p_points IS NULL OR p_points <= 0 THEN
      RAISE EXCEPTION 'points_draw: points must be a positive integer, got %', p_points;
    END IF;
    SELECT total_points INTO v_total FROM meta_user WHERE id = p_user_id FOR UPDATE;
    IF NOT FOUND THEN
      RETURN jsonb_build_object('outcome', 'no_user');
    END IF;
    IF p_request_id IS NOT NULL AND p_metering_service_id IS NOT NULL THEN
      -- Read after the lock: a same-user duplicate that committed while we waited is seen here.
      SELECT * INTO rec FROM purchase_record
       WHERE metering_service_id = p_metering_service_id AND request_id = p_request_id;
      IF FOUND THEN
        RETURN jsonb_build_object('outcome', 'replayed', 'balance', rec.remaining_points, 'record', to_jsonb(rec), 'draws', '[]'::jsonb);
      END IF;
    END IF;
    v_total := v_total - points_expire_user_lots(p_user_id, p_now);
    -- With due lots expired, total_points is exactly what the unexpired lots hold (the books'
    -- invariant); points_take_lots still refuses to go further than the lots really hold.
    IF v_total < p_points THEN
      RETURN jsonb_build_object('outcome', 'insufficient', 'available', v_total);
    END IF;
    FOR d IN SELECT * FROM points_take_lots(ARRAY[p_user_id], ARRAY[p_points], p_now) t ORDER BY t.drawn_before LOOP
      v_draws := v_draws || jsonb_build_object('lotId', d.lot_id, 'points', d.taken, 'expiresAt', d.expires_at);
      IF v_lots = 0 THEN
        v_first_lot := d.lot_id;
        v_first_expiry := d.expires_at;
      END IF;
      v_lots := v_lots + 1;
    END LOOP;
    UPDATE meta_user SET total_points = total_points - p_points, updated_at = now()
     WHERE id = p_user_id RETURNING total_points INTO v_balance;
    INSERT INTO purchase_record (
      user_id, api_key_id, lot_id, metering_service_id, request_id, api_name, api_path,
      points_change, remaining_points, operation_type, actor_admin_id, memo, expire_time
    ) VALUES (
      -- A draw spanning several lots has no single lot; the draws are returned instead.
      p_user_id, p_api_key_id, CASE WHEN v_lots = 1 THEN v_first_lot END, p_metering_service_id, p_request_id,
      p_api_name, p_api_path, -p_points, v_balance, p_operation_type, p_actor_admin_id, p_memo, v_first_expiry
    ) RETURNING * INTO rec;
    RETURN jsonb_build_object('outcome', 'drawn', 'balance', v_balance, 'record', to_jsonb(rec), 'draws', v_draws);
  END
  $fn$;

  DROP FUNCTION charge_points_batch(jsonb);

  CREATE FUNCTION charge_points_batch(p_charges jsonb)
  RETURNS TABLE (
    idx integer,
    decision text,
    reason text,
    charged_points integer,
    remaining_points integer,
    record_id uuid,
    replayed boolean
  )
  LANGUAGE plpgsql
  -- A user row held elsewhere (a slow points transaction) fails this batch after 2 s instead of
  -- stalling every charge queued behind it; the caller answers "busy, retry with the same request id".
  SET lock_timeout = '2s'
  AS $fn$
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
  $fn$;

  ALTER FUNCTION charge_points(uuid, integer, integer, text, varchar) SET lock_timeout = '2s';
`;

module.exports = {
  async up(queryInterface) {
    await queryInterface.sequelize.query(up);
  },

  async down(queryInterface) {
    await queryInterface.sequelize.query(`
      DROP FUNCTION charge_points_batch(jsonb);
      DROP FUNCTION charge_points(uuid, integer, integer, text, varchar);
      DROP FUNCTION points_draw(uuid, integer, integer, timestamptz, uuid, varchar, varchar, integer, varchar, text, integer);
      DROP FUNCTION points_expire_user_lots(uuid, timestamptz);
      DROP FUNCTION points_take_lots(uuid[], integer[], timestamptz);
    `);
    // The earlier definitions, exactly as their own migrations wrote them.
    await require('./20261122090000-points-draw-functions.cjs').up(queryInterface);
    await require('./20261122100000-charge-points-batch.cjs').up(queryInterface);
  },
};
