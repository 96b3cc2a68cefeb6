-- Expires the user's due lots (user row locked first), one expire ledger row per lot, keeping
-- meta_user.total_points equal to the live lots. Returns the points forfeited, NULL when there is no
-- such user. Called by points_draw, charge_points_batch and `expireUserLots` (before balance reads
-- and by the worker's sweep).
CREATE OR REPLACE FUNCTION points_expire_user_lots(p_user_id uuid, p_now timestamptz) RETURNS integer
LANGUAGE plpgsql
AS $fn$
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
