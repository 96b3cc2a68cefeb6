-- As the migrations up to 20261122110000 left it (pg_get_functiondef); restored by the down of 20261204172000.
CREATE OR REPLACE FUNCTION public.points_draw(p_user_id uuid, p_points integer, p_operation_type integer, p_now timestamp with time zone, p_api_key_id uuid, p_api_name character varying, p_api_path character varying, p_metering_service_id integer, p_request_id character varying, p_memo text, p_actor_admin_id integer)
 RETURNS jsonb
 LANGUAGE plpgsql
AS $function$
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
  $function$;
