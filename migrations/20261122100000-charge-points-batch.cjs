'use strict';

/**
 * charge_points_batch(charges jsonb): several metering charges in ONE statement (one round trip, one
 * commit), so concurrent charges of one server process share the per-transaction cost.
 *
 * `charges` is a JSON array of {key, api, service, hash, request}. Each element is decided by
 * charge_points itself, in array order, so every element sees the elements before it (the same
 * user twice: the second sees the first's deduction; the same request id twice: the second is the
 * replay). Each element runs in its own sub-block: an error (e.g. a unique violation on a request id
 * raced by another user's key) undoes that element only and is answered on its row, the others stand.
 *
 * Deadlock freedom: the batch locks all its users first, in id order, before any element runs —
 * two batches with the same users in a different order would otherwise deadlock. Other points
 * changes lock one user row first, so they only wait.
 */
module.exports = {
  async up(queryInterface) {
    await queryInterface.sequelize.query(`
      CREATE FUNCTION charge_points_batch(p_charges jsonb)
      RETURNS TABLE (
        idx integer,
        decision text,
        reason text,
        charged_points integer,
        remaining_points integer,
        record_id uuid,
        replayed boolean,
        error_code text,
        error_message text
      )
      LANGUAGE plpgsql AS $fn$
      #variable_conflict use_column
      DECLARE
        el jsonb;
        i integer := 0;
        r record;
      BEGIN
        PERFORM set_config('synchronous_commit', 'off', true);
        PERFORM 1 FROM meta_user u
         WHERE u.id IN (SELECT k.user_id FROM meta_auth_key k
                         WHERE k.id IN (SELECT (e->>'key')::uuid FROM jsonb_array_elements(p_charges) e))
         ORDER BY u.id
           FOR UPDATE;
        FOR el IN SELECT value FROM jsonb_array_elements(p_charges) WITH ORDINALITY ORDER BY ordinality LOOP
          idx := i;
          decision := NULL; reason := NULL; charged_points := NULL; remaining_points := NULL;
          record_id := NULL; replayed := NULL; error_code := NULL; error_message := NULL;
          BEGIN
            SELECT * INTO r FROM charge_points((el->>'key')::uuid, (el->>'api')::integer, (el->>'service')::integer,
                                               el->>'hash', el->>'request');
            decision := r.decision; reason := r.reason; charged_points := r.charged_points;
            remaining_points := r.remaining_points; record_id := r.record_id; replayed := r.replayed;
          EXCEPTION
            WHEN unique_violation THEN
              -- Another user's key committed this request id while we ran (its row won the index).
              decision := 'deny'; reason := 'REQUEST_ID_REUSED';
            WHEN OTHERS THEN
              decision := 'error'; error_code := SQLSTATE; error_message := SQLERRM;
          END;
          RETURN NEXT;
          i := i + 1;
        END LOOP;
      END
      $fn$;
    `);
  },

  async down(queryInterface) {
    await queryInterface.sequelize.query('DROP FUNCTION IF EXISTS charge_points_batch(jsonb);');
  },
};
