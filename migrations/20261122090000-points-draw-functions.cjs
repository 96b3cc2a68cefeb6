'use strict';

/**
 * Points consumption as database functions, so that a metering charge is ONE round trip and the
 * FIFO draw exists once (`services/points/consumePoints.ts` and `services/metering/meter.ts` both
 * call these; nothing re-implements them in TypeScript).
 *
 * - points_expire_user_lots(user, now): expires the user's due lots (user row locked first), one
 *   expire ledger row per lot; returns the points forfeited, NULL when there is no such user.
 * - points_draw(...): locks the user, answers a repeated (metering service, request id) with the
 *   earlier record, expires due lots, takes the points from unexpired lots soonest expiry first,
 *   moves meta_user.total_points and writes ONE ledger row with the balance after it. Returns
 *   jsonb {outcome: drawn | replayed | insufficient | no_user, available, balance, record, draws}.
 * - charge_points(...): one metering charge in one statement (its own transaction, committed with
 *   synchronous_commit off): locks the key's user, re-reads the service credentials, the key, the
 *   API and its scope under that lock, answers a repeated request id, then points_draw.
 *
 * Lock order everywhere: meta_user row, then its lots (as in the TypeScript commands).
 */
module.exports = {
  async up(queryInterface) {
    await queryInterface.sequelize.query(`
      CREATE FUNCTION points_expire_user_lots(p_user_id uuid, p_now timestamptz) RETURNS integer
      LANGUAGE plpgsql AS $fn$
      DECLARE
        lot record;
        v_balance integer;
        v_expired integer := 0;
      BEGIN
        PERFORM 1 FROM meta_user WHERE id = p_user_id FOR UPDATE;
        IF NOT FOUND THEN
          RETURN NULL;
        END IF;
        FOR lot IN
          SELECT id, remaining, expires_at FROM points_lots
           WHERE user_id = p_user_id AND expired_at IS NULL AND remaining > 0 AND expires_at <= p_now
           ORDER BY expires_at, created_at, id
             FOR UPDATE
        LOOP
          -- remaining stays on the expired lot as the amount forfeited.
          UPDATE points_lots SET expired_at = p_now, updated_at = now() WHERE id = lot.id;
          UPDATE meta_user SET total_points = total_points - lot.remaining, updated_at = now()
           WHERE id = p_user_id RETURNING total_points INTO v_balance;
          INSERT INTO purchase_record (user_id, lot_id, points_change, remaining_points, operation_type, memo, expire_time)
          VALUES (p_user_id, lot.id, -lot.remaining, v_balance, 3, '积分过期', lot.expires_at);
          v_expired := v_expired + lot.remaining;
        END LOOP;
        RETURN v_expired;
      END
      $fn$;

      CREATE FUNCTION points_draw(
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
        lot record;
        rec purchase_record;
        v_total integer;
        v_left integer := p_points;
        v_take integer;
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
        -- invariant); the lot loop below still refuses to go further than the lots really hold.
        IF v_total < p_points THEN
          RETURN jsonb_build_object('outcome', 'insufficient', 'available', v_total);
        END IF;
        FOR lot IN
          SELECT id, remaining, expires_at FROM points_lots
           WHERE user_id = p_user_id AND expired_at IS NULL AND remaining > 0 AND expires_at > p_now
           ORDER BY expires_at, created_at, id
             FOR UPDATE
        LOOP
          v_take := least(v_left, lot.remaining);
          UPDATE points_lots SET remaining = remaining - v_take, updated_at = now() WHERE id = lot.id;
          v_draws := v_draws || jsonb_build_object('lotId', lot.id, 'points', v_take, 'expiresAt', lot.expires_at);
          IF v_lots = 0 THEN
            v_first_lot := lot.id;
            v_first_expiry := lot.expires_at;
          END IF;
          v_lots := v_lots + 1;
          v_left := v_left - v_take;
          EXIT WHEN v_left = 0;
        END LOOP;
        IF v_left > 0 THEN
          RAISE EXCEPTION 'points_draw: lots of user % hold less than total_points %', p_user_id, v_total;
        END IF;
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

      CREATE FUNCTION charge_points(
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
      LANGUAGE plpgsql AS $fn$
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
      $fn$;
    `);
  },

  async down(queryInterface) {
    await queryInterface.sequelize.query(`
      DROP FUNCTION IF EXISTS charge_points(uuid, integer, integer, text, varchar);
      DROP FUNCTION IF EXISTS points_draw(uuid, integer, integer, timestamptz, uuid, varchar, varchar, integer, varchar, text, integer);
      DROP FUNCTION IF EXISTS points_expire_user_lots(uuid, timestamptz);
    `);
  },
};
