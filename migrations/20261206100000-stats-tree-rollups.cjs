'use strict';

/**
 * Per-tree daily rollups for the dashboards (issue 13): an agent admin's page summed 30 days × every
 * agent of the tree (and every earlier day for the opening balance) at each call; these tables hold
 * the same figures already summed per tree, so the page reads one row per day (and project / type /
 * hour).
 * - A tree is an agent admin with their agents; any other user (super admin, agent without a
 *   parent) is a tree of their own: tree_id = the user's id for an agent admin, else
 *   coalesce(parent_id, id).
 * - stats_tree_members is the membership (tree and role of every user) the tree rows were summed
 *   with (no foreign key: a deleted user must stay listed until the tree is summed again). The
 *   rollup re-sums every day of a tree whose membership changed; until then a reader adds or takes
 *   away the per-user rows of who joined or left (server/services/stats/dashboard.ts treeScope).
 * - daily_agent_key_totals: per agent and day (projects summed) the keys generated and activated
 *   that day and the running totals up to that day, so a ranking over any window is two index reads
 *   per agent (total at the end − total before the start), not a scan of every day. A past day
 *   rolled up again moves the running totals of that agent's later days by the difference.
 *   (Projects are never deleted by the product; a hand deletion would need rebuildDerivedRollups.)
 * - stats_rankings: the agent ranking of each tree (tree 0: every agent, for a super admin) over
 *   the default windows ending today (stats_ranking_windows), the top 10 and any agent tied with
 *   the 10th. A rollup of a day drops every kept window holding that day (all of them when a
 *   membership changed); the last day of each rollup run computes the default windows of today
 *   again. Filled by the next rollup (readers compute the ranking from the running totals until then).
 * - Everything here is derived from the per-user daily_*_stats tables and is filled now from them.
 */
module.exports = {
  async up(queryInterface) {
    await queryInterface.sequelize.query(`
      CREATE TABLE stats_tree_members (
        user_id INTEGER PRIMARY KEY,
        tree_id INTEGER NOT NULL,
        role VARCHAR(16) NOT NULL
      );
      CREATE INDEX stats_tree_members_tree_idx ON stats_tree_members (tree_id, user_id);

      CREATE TABLE daily_tree_card_key_stats (
        tree_id INTEGER NOT NULL,
        day DATE NOT NULL,
        project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
        generated BIGINT NOT NULL DEFAULT 0,
        activated BIGINT NOT NULL DEFAULT 0,
        verified BIGINT NOT NULL DEFAULT 0,
        expired BIGINT NOT NULL DEFAULT 0,
        disabled BIGINT NOT NULL DEFAULT 0,
        PRIMARY KEY (tree_id, day, project_id)
      );
      CREATE INDEX daily_tree_card_key_stats_day_idx ON daily_tree_card_key_stats (day);

      CREATE TABLE daily_tree_quota_stats (
        tree_id INTEGER NOT NULL,
        day DATE NOT NULL,
        type VARCHAR(32) NOT NULL,
        amount NUMERIC(18,2) NOT NULL DEFAULT 0,
        -- the members' positive and negative day amounts apart (quota in / out as the per-user rows say)
        amount_in NUMERIC(18,2) NOT NULL DEFAULT 0,
        amount_out NUMERIC(18,2) NOT NULL DEFAULT 0,
        moves INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (tree_id, day, type)
      );
      CREATE INDEX daily_tree_quota_stats_day_idx ON daily_tree_quota_stats (day);

      CREATE TABLE daily_tree_activity_stats (
        tree_id INTEGER NOT NULL,
        day DATE NOT NULL,
        hour SMALLINT NOT NULL CHECK (hour BETWEEN 0 AND 23),
        logins INTEGER NOT NULL DEFAULT 0,
        operations INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (tree_id, day, hour)
      );
      CREATE INDEX daily_tree_activity_stats_day_idx ON daily_tree_activity_stats (day);

      CREATE TABLE daily_agent_key_totals (
        agent_id INTEGER NOT NULL REFERENCES admin_users(id) ON DELETE CASCADE,
        day DATE NOT NULL,
        generated BIGINT NOT NULL DEFAULT 0,
        activated BIGINT NOT NULL DEFAULT 0,
        total_generated BIGINT NOT NULL DEFAULT 0,
        total_activated BIGINT NOT NULL DEFAULT 0,
        -- The totals ride in the index: a ranking's probes are index-only scans.
        PRIMARY KEY (agent_id, day) INCLUDE (total_generated, total_activated)
      );
      CREATE INDEX daily_agent_key_totals_day_idx ON daily_agent_key_totals (day);

      INSERT INTO daily_agent_key_totals (agent_id, day, generated, activated, total_generated, total_activated)
      SELECT agent_id, day, g, a, sum(g) OVER w, sum(a) OVER w
        FROM (SELECT agent_id, day, sum(generated) AS g, sum(activated) AS a FROM daily_card_key_stats GROUP BY 1, 2) s
      WINDOW w AS (PARTITION BY agent_id ORDER BY day);

      INSERT INTO stats_tree_members (user_id, tree_id, role)
      SELECT id, CASE WHEN role = 'agent_admin' THEN id ELSE coalesce(parent_id, id) END, role FROM admin_users;

      CREATE TABLE stats_ranking_windows (
        from_day DATE NOT NULL,
        to_day DATE NOT NULL,
        PRIMARY KEY (from_day, to_day)
      );
      CREATE TABLE stats_rankings (
        tree_id INTEGER NOT NULL,
        from_day DATE NOT NULL,
        to_day DATE NOT NULL,
        agent_id INTEGER NOT NULL,
        generated BIGINT NOT NULL,
        activated BIGINT NOT NULL,
        PRIMARY KEY (tree_id, from_day, to_day, agent_id),
        FOREIGN KEY (from_day, to_day) REFERENCES stats_ranking_windows ON DELETE CASCADE
      );

      INSERT INTO daily_tree_card_key_stats (tree_id, day, project_id, generated, activated, verified, expired, disabled)
      SELECT m.tree_id, s.day, s.project_id, sum(s.generated), sum(s.activated), sum(s.verified), sum(s.expired), sum(s.disabled)
        FROM daily_card_key_stats s JOIN stats_tree_members m ON m.user_id = s.agent_id
       GROUP BY 1, 2, 3;
      INSERT INTO daily_tree_quota_stats (tree_id, day, type, amount, amount_in, amount_out, moves)
      SELECT m.tree_id, s.day, s.type, sum(s.amount), coalesce(sum(s.amount) FILTER (WHERE s.amount > 0), 0),
             coalesce(sum(s.amount) FILTER (WHERE s.amount < 0), 0), sum(s.moves)
        FROM daily_quota_stats s JOIN stats_tree_members m ON m.user_id = s.user_id
       GROUP BY 1, 2, 3;
      INSERT INTO daily_tree_activity_stats (tree_id, day, hour, logins, operations)
      SELECT m.tree_id, s.day, s.hour, sum(s.logins), sum(s.operations)
        FROM daily_activity_stats s JOIN stats_tree_members m ON m.user_id = s.user_id
       GROUP BY 1, 2, 3;
    `);
  },

  async down(queryInterface) {
    await queryInterface.sequelize.query(`
      DROP TABLE IF EXISTS stats_rankings;
      DROP TABLE IF EXISTS stats_ranking_windows;
      DROP TABLE IF EXISTS daily_agent_key_totals;
      DROP TABLE IF EXISTS daily_tree_activity_stats;
      DROP TABLE IF EXISTS daily_tree_quota_stats;
      DROP TABLE IF EXISTS daily_tree_card_key_stats;
      DROP TABLE IF EXISTS stats_tree_members;
    `);
  },
};
