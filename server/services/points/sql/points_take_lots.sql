-- THE FIFO draw: for each user, takes the points (summed per user) from their unexpired lots, soonest
-- expiry first, in one UPDATE, and answers the slices (user, lot, points taken, points drawn from the
-- user's earlier lots, expiry). Raises when a user's lots hold less than asked (the books would be
-- broken). points_draw (one draw) and charge_points_batch (a batch of charges) both use it; nothing
-- else walks the lots. Callers hold the users' rows locked.
CREATE OR REPLACE FUNCTION points_take_lots(p_user_ids uuid[], p_points integer[], p_now timestamptz)
RETURNS TABLE (user_id uuid, lot_id uuid, taken integer, drawn_before integer, expires_at timestamptz)
LANGUAGE plpgsql
AS $fn$
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
