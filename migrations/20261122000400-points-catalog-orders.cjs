'use strict';

/**
 * The points business: products, promotions, packages, mini-program users, orders,
 * WeChat payments, points lots, API catalog, API keys, metering services and purchase records.
 */
module.exports = {
  async up(queryInterface) {
    await queryInterface.sequelize.query(`
      CREATE TABLE meta_product (
        id UUID NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY,
        name VARCHAR(100) NOT NULL,
        product_type SMALLINT NOT NULL CHECK (product_type IN (1, 2)),
        point_amount INTEGER NOT NULL CHECK (point_amount > 0),
        original_price NUMERIC(10,2) NOT NULL CHECK (original_price > 0),
        sale_price NUMERIC(10,2) NOT NULL CHECK (sale_price > 0),
        currency VARCHAR(3) NOT NULL DEFAULT 'CNY' CHECK (currency IN ('CNY', 'USD')),
        expire_time TIMESTAMPTZ NOT NULL DEFAULT '2099-12-31 23:59:59+08',
        status SMALLINT NOT NULL DEFAULT 1 CHECK (status IN (0, 1)),
        sort SMALLINT NOT NULL DEFAULT 0,
        points_validity_days INTEGER CHECK (points_validity_days IS NULL OR points_validity_days > 0),
        description TEXT,
        created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
        updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
      );
      COMMENT ON TABLE meta_product IS '商品基础信息表';
      COMMENT ON COLUMN meta_product.product_type IS '商品类型：1-积分 2-套餐';
      CREATE UNIQUE INDEX meta_product_name_key ON meta_product (name);

      CREATE TABLE meta_promotion (
        id UUID NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY,
        name VARCHAR(100) NOT NULL,
        promo_type SMALLINT NOT NULL CHECK (promo_type IN (1, 2)),
        discount_rate NUMERIC(5,2) CHECK (discount_rate IS NULL OR (discount_rate > 0 AND discount_rate <= 1)),
        min_amount NUMERIC(10,2) CHECK (min_amount IS NULL OR min_amount >= 0),
        reduce_amount NUMERIC(10,2) CHECK (reduce_amount IS NULL OR reduce_amount > 0),
        bonus_points INTEGER NOT NULL DEFAULT 0 CHECK (bonus_points >= 0),
        start_time TIMESTAMPTZ NOT NULL,
        end_time TIMESTAMPTZ NOT NULL,
        applicable_products JSONB NOT NULL DEFAULT '[]',
        status SMALLINT NOT NULL DEFAULT 0 CHECK (status IN (0, 1, 2)),
        memo TEXT,
        created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
        updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
        CHECK (end_time > start_time),
        CHECK (promo_type <> 1 OR discount_rate IS NOT NULL),
        CHECK (promo_type <> 2 OR (min_amount IS NOT NULL AND reduce_amount IS NOT NULL))
      );
      COMMENT ON COLUMN meta_promotion.promo_type IS '1-折扣 2-满减';
      COMMENT ON COLUMN meta_promotion.status IS '0-未激活 1-进行中 2-已结束';

      CREATE TABLE rel_product_package (
        id UUID NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY,
        name VARCHAR(100) NOT NULL,
        product_id UUID NOT NULL REFERENCES meta_product(id) ON DELETE RESTRICT,
        promotion_id UUID REFERENCES meta_promotion(id) ON DELETE SET NULL,
        package_price NUMERIC(10,2) NOT NULL CHECK (package_price > 0),
        total_points INTEGER NOT NULL CHECK (total_points > 0),
        is_hot BOOLEAN NOT NULL DEFAULT false,
        sort SMALLINT NOT NULL DEFAULT 0,
        expire_time TIMESTAMPTZ NOT NULL DEFAULT '2099-12-31 23:59:59+08',
        status SMALLINT NOT NULL DEFAULT 1 CHECK (status IN (0, 1)),
        description TEXT,
        created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
        updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
      );
      CREATE INDEX idx_package_hot ON rel_product_package (is_hot, status);
      CREATE INDEX rel_product_package_list_idx ON rel_product_package (status, sort);
      CREATE UNIQUE INDEX rel_product_package_name_key ON rel_product_package (name);

      CREATE TABLE meta_user (
        id UUID NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY,
        openid VARCHAR(128) NOT NULL UNIQUE,
        unionid VARCHAR(128),
        nickname VARCHAR(64),
        avatar_url VARCHAR(1024),
        phone VARCHAR(32),
        email VARCHAR(254),
        status SMALLINT NOT NULL DEFAULT 1 CHECK (status IN (0, 1)),
        total_points INTEGER NOT NULL DEFAULT 0 CHECK (total_points >= 0),
        token_version INTEGER NOT NULL DEFAULT 0,
        last_login_at TIMESTAMPTZ,
        created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
        updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
      );
      COMMENT ON COLUMN meta_user.status IS '0-冻结 1-正常';

      CREATE TABLE meta_order (
        id UUID NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY,
        order_no VARCHAR(32) NOT NULL UNIQUE,
        user_id UUID NOT NULL REFERENCES meta_user(id) ON DELETE RESTRICT,
        user_name VARCHAR(100),
        product_id UUID NOT NULL REFERENCES meta_product(id) ON DELETE RESTRICT,
        package_id UUID REFERENCES rel_product_package(id) ON DELETE RESTRICT,
        promotion_id UUID REFERENCES meta_promotion(id) ON DELETE RESTRICT,
        original_amount NUMERIC(10,2) NOT NULL CHECK (original_amount > 0),
        discount_amount NUMERIC(10,2) NOT NULL DEFAULT 0 CHECK (discount_amount >= 0),
        total_amount NUMERIC(10,2) NOT NULL CHECK (total_amount > 0),
        points INTEGER NOT NULL CHECK (points > 0),
        bonus_points INTEGER NOT NULL DEFAULT 0 CHECK (bonus_points >= 0),
        points_expire_at TIMESTAMPTZ,
        payment_status SMALLINT NOT NULL DEFAULT 0 CHECK (payment_status IN (0, 1, 2, 3)),
        wx_appid VARCHAR(32),
        wx_mchid VARCHAR(32),
        wx_prepay_id VARCHAR(128),
        wx_transaction_id VARCHAR(64) UNIQUE,
        wx_payer_openid VARCHAR(128),
        refund_reason TEXT,
        created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
        updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
        expires_at TIMESTAMPTZ NOT NULL,
        paid_at TIMESTAMPTZ,
        closed_at TIMESTAMPTZ,
        refunded_at TIMESTAMPTZ,
        CHECK (total_amount = original_amount - discount_amount),
        CHECK (payment_status <> 1 OR paid_at IS NOT NULL)
      );
      COMMENT ON COLUMN meta_order.payment_status IS '支付状态：0-待支付 1-已支付 2-已关闭 3-已退款';
      CREATE INDEX meta_order_user_idx ON meta_order (user_id, created_at DESC);
      CREATE INDEX meta_order_pending_idx ON meta_order (expires_at) WHERE payment_status = 0;

      -- Every WeChat Pay notification or query result we accepted, for audit and idempotency.
      CREATE TABLE wechat_payments (
        id BIGSERIAL PRIMARY KEY,
        order_id UUID NOT NULL REFERENCES meta_order(id) ON DELETE RESTRICT,
        source VARCHAR(16) NOT NULL CHECK (source IN ('notify', 'query', 'refund')),
        notification_id VARCHAR(64),
        transaction_id VARCHAR(64),
        trade_state VARCHAR(32) NOT NULL,
        amount_total INTEGER,
        payer_total INTEGER,
        raw JSONB NOT NULL,
        created_at TIMESTAMPTZ NOT NULL DEFAULT now()
      );
      CREATE INDEX wechat_payments_order_idx ON wechat_payments (order_id, created_at);

      CREATE TABLE points_lots (
        id UUID NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY,
        user_id UUID NOT NULL REFERENCES meta_user(id) ON DELETE RESTRICT,
        source VARCHAR(16) NOT NULL CHECK (source IN ('purchase', 'redeem', 'admin_adjust')),
        order_id UUID UNIQUE REFERENCES meta_order(id) ON DELETE RESTRICT,
        card_key_id BIGINT UNIQUE REFERENCES card_keys(id) ON DELETE RESTRICT,
        points INTEGER NOT NULL CHECK (points > 0),
        remaining INTEGER NOT NULL CHECK (remaining >= 0),
        expires_at TIMESTAMPTZ NOT NULL,
        expired_at TIMESTAMPTZ,
        created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
        updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
        CHECK (remaining <= points)
      );
      CREATE INDEX points_lots_consume_idx ON points_lots (user_id, expires_at, created_at) WHERE remaining > 0 AND expired_at IS NULL;
      CREATE INDEX points_lots_expiry_idx ON points_lots (expires_at) WHERE remaining > 0 AND expired_at IS NULL;

      CREATE TABLE api_catalog (
        id SERIAL PRIMARY KEY,
        name VARCHAR(64) NOT NULL UNIQUE,
        path VARCHAR(255) NOT NULL,
        points_per_call INTEGER NOT NULL CHECK (points_per_call > 0),
        status SMALLINT NOT NULL DEFAULT 1 CHECK (status IN (0, 1)),
        description TEXT,
        created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
        updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
      );

      CREATE TABLE meta_auth_key (
        id UUID NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY,
        user_id UUID NOT NULL REFERENCES meta_user(id) ON DELETE RESTRICT,
        name VARCHAR(20) NOT NULL CHECK (length(btrim(name)) > 0),
        key_prefix VARCHAR(24) NOT NULL,
        key_hash CHAR(64) NOT NULL UNIQUE,
        status SMALLINT NOT NULL DEFAULT 1 CHECK (status IN (0, 1)),
        validity_months SMALLINT NOT NULL CHECK (validity_months IN (1, 3, 6, 12)),
        scope_all BOOLEAN NOT NULL DEFAULT true,
        ip_whitelist JSONB NOT NULL DEFAULT '[]',
        expires_at TIMESTAMPTZ NOT NULL,
        last_used_at TIMESTAMPTZ,
        calls_today INTEGER NOT NULL DEFAULT 0,
        calls_day DATE,
        deleted_at TIMESTAMPTZ,
        created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
        updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
      );
      COMMENT ON COLUMN meta_auth_key.status IS '0-禁用 1-激活';
      CREATE INDEX meta_auth_key_user_idx ON meta_auth_key (user_id, last_used_at DESC NULLS LAST) WHERE deleted_at IS NULL;

      CREATE TABLE api_key_scopes (
        api_key_id UUID NOT NULL REFERENCES meta_auth_key(id) ON DELETE CASCADE,
        api_id INTEGER NOT NULL REFERENCES api_catalog(id) ON DELETE CASCADE,
        PRIMARY KEY (api_key_id, api_id)
      );

      -- API services allowed to call the metering endpoint.
      CREATE TABLE metering_services (
        id SERIAL PRIMARY KEY,
        name VARCHAR(64) NOT NULL UNIQUE,
        client_id VARCHAR(64) NOT NULL UNIQUE,
        secret_hash CHAR(64) NOT NULL,
        status SMALLINT NOT NULL DEFAULT 1 CHECK (status IN (0, 1)),
        created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
        updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
      );

      CREATE TABLE purchase_record (
        id UUID NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY,
        user_id UUID NOT NULL REFERENCES meta_user(id) ON DELETE RESTRICT,
        order_id UUID REFERENCES meta_order(id) ON DELETE RESTRICT,
        api_key_id UUID REFERENCES meta_auth_key(id) ON DELETE SET NULL,
        lot_id UUID REFERENCES points_lots(id) ON DELETE RESTRICT,
        card_key_id BIGINT REFERENCES card_keys(id) ON DELETE RESTRICT,
        metering_service_id INTEGER REFERENCES metering_services(id) ON DELETE RESTRICT,
        request_id VARCHAR(128),
        api_name VARCHAR(100),
        api_path VARCHAR(255),
        points_change INTEGER NOT NULL CHECK (points_change <> 0),
        remaining_points INTEGER NOT NULL CHECK (remaining_points >= 0),
        operation_type SMALLINT NOT NULL CHECK (operation_type IN (1, 2, 3, 4, 5, 6)),
        actor_admin_id INTEGER REFERENCES admin_users(id) ON DELETE RESTRICT,
        memo TEXT,
        expire_time TIMESTAMPTZ NOT NULL DEFAULT '2099-12-31 23:59:59+08',
        created_at TIMESTAMPTZ NOT NULL DEFAULT now()
      );
      COMMENT ON COLUMN purchase_record.operation_type IS '1-购买 2-消费 3-过期 4-兑换 5-管理员调整 6-退款';
      CREATE INDEX purchase_record_user_idx ON purchase_record (user_id, created_at DESC);
      CREATE INDEX purchase_record_key_idx ON purchase_record (api_key_id, created_at DESC);
      CREATE UNIQUE INDEX purchase_record_request_key ON purchase_record (metering_service_id, request_id) WHERE request_id IS NOT NULL;
    `);
  },

  async down(queryInterface) {
    await queryInterface.sequelize.query(`
      DROP TABLE IF EXISTS purchase_record;
      DROP TABLE IF EXISTS metering_services;
      DROP TABLE IF EXISTS api_key_scopes;
      DROP TABLE IF EXISTS meta_auth_key;
      DROP TABLE IF EXISTS api_catalog;
      DROP TABLE IF EXISTS points_lots;
      DROP TABLE IF EXISTS wechat_payments;
      DROP TABLE IF EXISTS meta_order;
      DROP TABLE IF EXISTS meta_user;
      DROP TABLE IF EXISTS rel_product_package;
      DROP TABLE IF EXISTS meta_promotion;
      DROP TABLE IF EXISTS meta_product;
    `);
  },
};
