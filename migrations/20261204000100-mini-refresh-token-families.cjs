'use strict';

/**
 * Mini-program refresh tokens become single-use (issue 11 item 10). Each login starts a token
 * family; every refresh marks the presented token used and issues its successor in the same
 * family. A used token presented again means it was copied: the whole family is revoked, so the
 * thief's tokens and the owner's die together (the owner logs in again, silently). Logout revokes
 * the family. Access tokens carry their family id and die with it.
 */
module.exports = {
  async up(queryInterface) {
    await queryInterface.sequelize.query(`
      CREATE TABLE mini_token_families (
        id UUID NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY,
        user_id UUID NOT NULL REFERENCES meta_user(id) ON DELETE CASCADE,
        -- the latest refresh token's expiry: past it, nothing of the family can be used
        expires_at TIMESTAMPTZ NOT NULL,
        revoked_at TIMESTAMPTZ,
        revoked_reason VARCHAR(16) CHECK (revoked_reason IN ('logout', 'reuse')),
        created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
        CHECK ((revoked_at IS NULL) = (revoked_reason IS NULL))
      );
      CREATE INDEX mini_token_families_user_idx ON mini_token_families (user_id, expires_at);

      CREATE TABLE mini_refresh_tokens (
        id UUID NOT NULL PRIMARY KEY,
        family_id UUID NOT NULL REFERENCES mini_token_families(id) ON DELETE CASCADE,
        expires_at TIMESTAMPTZ NOT NULL,
        used_at TIMESTAMPTZ,
        replaced_by UUID,
        created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
        CHECK ((used_at IS NULL) = (replaced_by IS NULL))
      );
      CREATE INDEX mini_refresh_tokens_family_idx ON mini_refresh_tokens (family_id, expires_at);
      COMMENT ON COLUMN mini_refresh_tokens.id IS 'the refresh JWT''s jti; the token itself is never stored';
    `);
  },

  async down(queryInterface) {
    await queryInterface.sequelize.query(`
      DROP TABLE IF EXISTS mini_refresh_tokens;
      DROP TABLE IF EXISTS mini_token_families;
    `);
  },
};
