/**
 * Generated from the server's OpenAPI document (server/routes/api) by `npm run miniprogram:api`.
 * Do not edit: a test fails when this file and the document differ.
 */
export interface paths {
    "/api/auth/wx-login": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * 微信登录（wx.login code）
         * @description code → jscode2session → 用户（首次登录自动创建）→ 本站 access/refresh token。不提供“按 openid 取 token”的接口。
         */
        post: operations["postAuthWxLogin"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/auth/refresh": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * 刷新 token（轮换：每个 refresh token 只能用一次）
         * @description 返回新的 access/refresh token，旧 refresh token 随即失效。已用过的 refresh token 再次出现视为被盗用：该次登录的全部 token 立即作废（401 REFRESH_TOKEN_REUSED），需重新登录。
         */
        post: operations["postAuthRefresh"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/auth/logout": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** 退出登录（作废该次登录的 refresh token 与 access token） */
        post: operations["postAuthLogout"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/user/me": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** 当前用户 */
        get: operations["getUserMe"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /** 修改昵称 */
        patch: operations["patchUserMe"];
        trace?: never;
    };
    "/api/user/settings": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** 我的设置（支付成功提醒） */
        get: operations["getUserSettings"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /**
         * 修改设置（支付成功提醒开关）
         * @description 关闭后，支付成功的订阅消息不再发送（发送任务在发送前检查此开关）。
         */
        patch: operations["patchUserSettings"];
        trace?: never;
    };
    "/api/api-calls": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * 我的最近接口调用（含被拒绝的调用）
         * @description 计费接口收到的、指向本人 API Key 的每次调用，最新在前；调用记录批量写入，可能晚几秒出现。
         */
        get: operations["getApiCalls"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/packages": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** 在售套餐（服务端定价） */
        get: operations["getPackages"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/orders": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** 我的订单 */
        get: operations["getOrders"];
        put?: never;
        /** 下单 */
        post: operations["postOrders"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/orders/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** 订单详情 */
        get: operations["getOrdersId"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/orders/{id}/pay": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * 发起微信支付（JSAPI 预下单）
         * @description 返回 wx.requestPayment 所需参数（paySign 由服务端商户私钥签名）。
         */
        post: operations["postOrdersIdPay"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/orders/{id}/status": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * 支付状态（轮询）
         * @description 待支付超过几秒的订单会向微信查询一次（每单每 5 秒最多一次）。
         */
        get: operations["getOrdersIdStatus"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/orders/{id}/cancel": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** 取消订单（同时在微信关单） */
        post: operations["postOrdersIdCancel"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/pay/wechat/notify": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * 微信支付结果通知（微信服务器调用）
         * @description 原始报文验签（Wechatpay-Timestamp/Nonce/Signature/Serial，±300 秒）并 AES-256-GCM 解密；成功 204，验签失败 401，订单不符 400。应答不是信封格式，而是微信要求的 {code, message}。
         */
        post: operations["postPayWechatNotify"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/points": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** 积分余额、最近到期与积分批次 */
        get: operations["getPoints"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/points/records": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** 积分明细（分页，可按类型筛选） */
        get: operations["getPointsRecords"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/redeem": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * 兑换码兑换积分
         * @description 每用户每小时、每 IP 每小时的尝试次数有限（无论成败都计数）。
         */
        post: operations["postRedeem"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/banners": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** 首页横幅 */
        get: operations["getBanners"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/articles": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** 文章与公告 */
        get: operations["getArticles"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/articles/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** 文章详情 */
        get: operations["getArticlesId"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/articles/slug/{slug}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** 按页面标识取文章（关于我们、用户协议） */
        get: operations["getArticlesSlugSlug"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/service-status": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** API 服务状态公告 */
        get: operations["getServiceStatus"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/api-keys": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** 我的 API Key 列表 */
        get: operations["getV1ApiKeys"];
        put?: never;
        /** 创建 API Key（完整 Key 仅此一次返回） */
        post: operations["postV1ApiKeys"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/api-keys/apis": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** 可授权的接口目录 */
        get: operations["getV1ApiKeysApis"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/api-keys/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Key 详情 */
        get: operations["getV1ApiKeysId"];
        put?: never;
        post?: never;
        /** 删除 */
        delete: operations["deleteV1ApiKeysId"];
        options?: never;
        head?: never;
        /** 改名 / 启用 / 禁用 */
        patch: operations["patchV1ApiKeysId"];
        trace?: never;
    };
    "/api/v1/api-keys/{id}/stats": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * 近 30 天每日调用次数与消耗积分
         * @description 按北京时间自然日统计已计费的调用（来自积分消费记录），包含今天，无调用的日子为 0。
         */
        get: operations["getV1ApiKeysIdStats"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/api-keys/{id}/access": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /**
         * 修改权限范围与 IP 白名单
         * @description 规则与创建时相同（白名单支持 IPv4/IPv6 与 CIDR）；保存后下一次计费即按新规则判断。
         */
        put: operations["putV1ApiKeysIdAccess"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/api-keys/batch": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** 批量启用 / 禁用 / 删除 */
        post: operations["postV1ApiKeysBatch"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        ErrorEnvelope: {
            /** @enum {boolean} */
            success: false;
            /** @description 1xxx 通用, 2xxx 用户, 3xxx 商品, 4xxx 订单, 5xxx 积分/库存, 6xxx 支付 */
            code: number;
            reason?: string;
            message: string;
        };
    };
    responses: {
        /** @description 输入无效 */
        BadRequest: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["ErrorEnvelope"];
            };
        };
        /** @description 未登录或登录已过期：请重新登录 */
        Unauthorized: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["ErrorEnvelope"];
            };
        };
        /** @description 账号已冻结或无权操作 */
        Forbidden: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["ErrorEnvelope"];
            };
        };
        /** @description 请求过于频繁 */
        TooMany: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["ErrorEnvelope"];
            };
        };
    };
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    postAuthWxLogin: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description wx.login() 得到的 code */
                    code: string;
                    nickname?: string;
                    /** @description https 地址（其他协议一律拒绝） */
                    avatarUrl?: string;
                };
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {boolean} */
                        success: true;
                        /** @enum {integer} */
                        code: 0;
                        message: string;
                        data: {
                            user: {
                                /** Format: uuid */
                                id: string;
                                nickname: string | null;
                                avatarUrl: string | null;
                                totalPoints: number;
                                phoneBound: boolean;
                                emailBound: boolean;
                                createdAt: string;
                            };
                            tokens: {
                                accessToken: string;
                                /** @description 秒 */
                                accessExpiresIn: number;
                                refreshToken: string;
                                refreshExpiresIn: number;
                                /** @enum {string} */
                                tokenType: "Bearer";
                            };
                            isNew: boolean;
                        };
                    };
                };
            };
            400: components["responses"]["BadRequest"];
            429: components["responses"]["TooMany"];
        };
    };
    postAuthRefresh: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    refreshToken: string;
                };
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {boolean} */
                        success: true;
                        /** @enum {integer} */
                        code: 0;
                        message: string;
                        data: {
                            accessToken: string;
                            /** @description 秒 */
                            accessExpiresIn: number;
                            refreshToken: string;
                            refreshExpiresIn: number;
                            /** @enum {string} */
                            tokenType: "Bearer";
                        };
                    };
                };
            };
            400: components["responses"]["BadRequest"];
            429: components["responses"]["TooMany"];
        };
    };
    postAuthLogout: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    refreshToken: string;
                };
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {boolean} */
                        success: true;
                        /** @enum {integer} */
                        code: 0;
                        message: string;
                        data: {
                            /** @enum {boolean} */
                            loggedOut: true;
                        };
                    };
                };
            };
            400: components["responses"]["BadRequest"];
            429: components["responses"]["TooMany"];
        };
    };
    getUserMe: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {boolean} */
                        success: true;
                        /** @enum {integer} */
                        code: 0;
                        message: string;
                        data: {
                            /** Format: uuid */
                            id: string;
                            nickname: string | null;
                            avatarUrl: string | null;
                            totalPoints: number;
                            phoneBound: boolean;
                            emailBound: boolean;
                            createdAt: string;
                        };
                    };
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            429: components["responses"]["TooMany"];
        };
    };
    patchUserMe: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    nickname: string;
                };
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {boolean} */
                        success: true;
                        /** @enum {integer} */
                        code: 0;
                        message: string;
                        data: {
                            /** Format: uuid */
                            id: string;
                            nickname: string | null;
                            avatarUrl: string | null;
                            totalPoints: number;
                            phoneBound: boolean;
                            emailBound: boolean;
                            createdAt: string;
                        };
                    };
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            429: components["responses"]["TooMany"];
        };
    };
    getUserSettings: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {boolean} */
                        success: true;
                        /** @enum {integer} */
                        code: 0;
                        message: string;
                        data: {
                            /** @description 支付成功提醒开关（关闭后不发送订阅消息） */
                            paymentReminder: boolean;
                            /** @description 支付前用 wx.requestSubscribeMessage 请求授权的模板 ID；未配置时为 null */
                            paymentReminderTemplateId: string | null;
                        };
                    };
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            429: components["responses"]["TooMany"];
        };
    };
    patchUserSettings: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    paymentReminder: boolean;
                };
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {boolean} */
                        success: true;
                        /** @enum {integer} */
                        code: 0;
                        message: string;
                        data: {
                            /** @description 支付成功提醒开关（关闭后不发送订阅消息） */
                            paymentReminder: boolean;
                            /** @description 支付前用 wx.requestSubscribeMessage 请求授权的模板 ID；未配置时为 null */
                            paymentReminderTemplateId: string | null;
                        };
                    };
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            429: components["responses"]["TooMany"];
        };
    };
    getApiCalls: {
        parameters: {
            query?: {
                page?: number;
                pageSize?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {boolean} */
                        success: true;
                        /** @enum {integer} */
                        code: 0;
                        message: string;
                        data: {
                            total: number;
                            page: number;
                            pageSize: number;
                            items: {
                                id: string;
                                at: string;
                                apiName: string | null;
                                /** Format: uuid */
                                keyId: string | null;
                                keyName: string | null;
                                keyPrefix: string | null;
                                allowed: boolean;
                                /** @description 被拒绝时的原因（计费拒绝原因，如 INSUFFICIENT_POINTS、IP_NOT_ALLOWED） */
                                reason: string | null;
                            }[];
                        };
                    };
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            429: components["responses"]["TooMany"];
        };
    };
    getPackages: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {boolean} */
                        success: true;
                        /** @enum {integer} */
                        code: 0;
                        message: string;
                        data: {
                            /** Format: uuid */
                            id: string;
                            name: string;
                            description: string | null;
                            isHot: boolean;
                            sort: number;
                            product: {
                                /** Format: uuid */
                                id: string;
                                name: string;
                                productType: number;
                            };
                            promotion: {
                                /** Format: uuid */
                                id: string;
                                name: string;
                                /** @enum {string} */
                                type: "discount" | "full_reduction";
                                endTime: string;
                            } | null;
                            /** @description 元，两位小数 */
                            originalPrice: string;
                            /** @description 实付（元） */
                            price: string;
                            discount: string;
                            points: number;
                            bonusPoints: number;
                            totalPoints: number;
                            currency: string;
                            pointsExpireAt: string;
                        }[];
                    };
                };
            };
            400: components["responses"]["BadRequest"];
            429: components["responses"]["TooMany"];
        };
    };
    getOrders: {
        parameters: {
            query?: {
                page?: number;
                pageSize?: number;
                status?: "pending" | "paid" | "closed" | "refunded";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {boolean} */
                        success: true;
                        /** @enum {integer} */
                        code: 0;
                        message: string;
                        data: {
                            total: number;
                            page: number;
                            pageSize: number;
                            items: {
                                /** Format: uuid */
                                id: string;
                                orderNo: string;
                                /** @enum {string} */
                                status: "pending" | "paid" | "closed" | "refunded";
                                /** Format: uuid */
                                packageId: string | null;
                                /** Format: uuid */
                                productId: string;
                                /** Format: uuid */
                                promotionId: string | null;
                                description: string | null;
                                originalAmount: string;
                                discountAmount: string;
                                totalAmount: string;
                                points: number;
                                bonusPoints: number;
                                /** @description 到账积分（含赠送） */
                                totalPoints: number;
                                pointsExpireAt: string | null;
                                createdAt: string;
                                expiresAt: string;
                                paidAt: string | null;
                                closedAt: string | null;
                                refundedAt: string | null;
                            }[];
                        };
                    };
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            429: components["responses"]["TooMany"];
        };
    };
    postOrders: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /**
                     * Format: uuid
                     * @description 套餐 ID；金额由服务端计算，客户端传入的金额一律忽略
                     */
                    packageId: string;
                };
            };
        };
        responses: {
            /** @description OK */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {boolean} */
                        success: true;
                        /** @enum {integer} */
                        code: 0;
                        message: string;
                        data: {
                            /** Format: uuid */
                            id: string;
                            orderNo: string;
                            /** @enum {string} */
                            status: "pending" | "paid" | "closed" | "refunded";
                            /** Format: uuid */
                            packageId: string | null;
                            /** Format: uuid */
                            productId: string;
                            /** Format: uuid */
                            promotionId: string | null;
                            description: string | null;
                            originalAmount: string;
                            discountAmount: string;
                            totalAmount: string;
                            points: number;
                            bonusPoints: number;
                            /** @description 到账积分（含赠送） */
                            totalPoints: number;
                            pointsExpireAt: string | null;
                            createdAt: string;
                            expiresAt: string;
                            paidAt: string | null;
                            closedAt: string | null;
                            refundedAt: string | null;
                        };
                    };
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            429: components["responses"]["TooMany"];
        };
    };
    getOrdersId: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {boolean} */
                        success: true;
                        /** @enum {integer} */
                        code: 0;
                        message: string;
                        data: {
                            /** Format: uuid */
                            id: string;
                            orderNo: string;
                            /** @enum {string} */
                            status: "pending" | "paid" | "closed" | "refunded";
                            /** Format: uuid */
                            packageId: string | null;
                            /** Format: uuid */
                            productId: string;
                            /** Format: uuid */
                            promotionId: string | null;
                            description: string | null;
                            originalAmount: string;
                            discountAmount: string;
                            totalAmount: string;
                            points: number;
                            bonusPoints: number;
                            /** @description 到账积分（含赠送） */
                            totalPoints: number;
                            pointsExpireAt: string | null;
                            createdAt: string;
                            expiresAt: string;
                            paidAt: string | null;
                            closedAt: string | null;
                            refundedAt: string | null;
                        };
                    };
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            429: components["responses"]["TooMany"];
        };
    };
    postOrdersIdPay: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {boolean} */
                        success: true;
                        /** @enum {integer} */
                        code: 0;
                        message: string;
                        data: {
                            /** Format: uuid */
                            orderId: string;
                            orderNo: string;
                            totalAmount: string;
                            /** @description 直接传给 wx.requestPayment */
                            payment: {
                                appId: string;
                                timeStamp: string;
                                nonceStr: string;
                                package: string;
                                /** @enum {string} */
                                signType: "RSA";
                                paySign: string;
                            };
                        };
                    };
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            429: components["responses"]["TooMany"];
        };
    };
    getOrdersIdStatus: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {boolean} */
                        success: true;
                        /** @enum {integer} */
                        code: 0;
                        message: string;
                        data: {
                            /** Format: uuid */
                            id: string;
                            orderNo: string;
                            /** @enum {string} */
                            status: "pending" | "paid" | "closed" | "refunded";
                            /** Format: uuid */
                            packageId: string | null;
                            /** Format: uuid */
                            productId: string;
                            /** Format: uuid */
                            promotionId: string | null;
                            description: string | null;
                            originalAmount: string;
                            discountAmount: string;
                            totalAmount: string;
                            points: number;
                            bonusPoints: number;
                            /** @description 到账积分（含赠送） */
                            totalPoints: number;
                            pointsExpireAt: string | null;
                            createdAt: string;
                            expiresAt: string;
                            paidAt: string | null;
                            closedAt: string | null;
                            refundedAt: string | null;
                        };
                    };
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            429: components["responses"]["TooMany"];
        };
    };
    postOrdersIdCancel: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {boolean} */
                        success: true;
                        /** @enum {integer} */
                        code: 0;
                        message: string;
                        data: {
                            /** Format: uuid */
                            id: string;
                            orderNo: string;
                            /** @enum {string} */
                            status: "pending" | "paid" | "closed" | "refunded";
                            /** Format: uuid */
                            packageId: string | null;
                            /** Format: uuid */
                            productId: string;
                            /** Format: uuid */
                            promotionId: string | null;
                            description: string | null;
                            originalAmount: string;
                            discountAmount: string;
                            totalAmount: string;
                            points: number;
                            bonusPoints: number;
                            /** @description 到账积分（含赠送） */
                            totalPoints: number;
                            pointsExpireAt: string | null;
                            createdAt: string;
                            expiresAt: string;
                            paidAt: string | null;
                            closedAt: string | null;
                            refundedAt: string | null;
                        };
                    };
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            429: components["responses"]["TooMany"];
        };
    };
    postPayWechatNotify: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {boolean} */
                        success: true;
                        /** @enum {integer} */
                        code: 0;
                        message: string;
                        data: unknown;
                    };
                };
            };
            400: components["responses"]["BadRequest"];
            429: components["responses"]["TooMany"];
        };
    };
    getPoints: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {boolean} */
                        success: true;
                        /** @enum {integer} */
                        code: 0;
                        message: string;
                        data: {
                            balance: number;
                            nearestExpiry: string | null;
                            nearestExpiryPoints: number;
                            lots: {
                                /** Format: uuid */
                                id: string;
                                source: string;
                                points: number;
                                remaining: number;
                                expiresAt: string;
                                createdAt: string;
                            }[];
                        };
                    };
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            429: components["responses"]["TooMany"];
        };
    };
    getPointsRecords: {
        parameters: {
            query?: {
                page?: number;
                pageSize?: number;
                type?: "purchase" | "consume" | "expire" | "redeem" | "admin_adjust" | "refund";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {boolean} */
                        success: true;
                        /** @enum {integer} */
                        code: 0;
                        message: string;
                        data: {
                            total: number;
                            page: number;
                            pageSize: number;
                            items: {
                                /** Format: uuid */
                                id: string;
                                /** @enum {string} */
                                type: "purchase" | "consume" | "expire" | "redeem" | "admin_adjust" | "refund";
                                operationType: number;
                                pointsChange: number;
                                remainingPoints: number;
                                /** Format: uuid */
                                orderId: string | null;
                                /** Format: uuid */
                                apiKeyId: string | null;
                                apiName: string | null;
                                memo: string | null;
                                expireTime: string;
                                createdAt: string;
                            }[];
                        };
                    };
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            429: components["responses"]["TooMany"];
        };
    };
    postRedeem: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    code: string;
                };
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {boolean} */
                        success: true;
                        /** @enum {integer} */
                        code: 0;
                        message: string;
                        data: {
                            points: number;
                            balance: number;
                            expiresAt: string;
                        };
                    };
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            429: components["responses"]["TooMany"];
        };
    };
    getBanners: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {boolean} */
                        success: true;
                        /** @enum {integer} */
                        code: 0;
                        message: string;
                        data: {
                            id: number;
                            title: string;
                            imageUrl: string;
                            linkUrl: string | null;
                            sort: number;
                        }[];
                    };
                };
            };
            400: components["responses"]["BadRequest"];
            429: components["responses"]["TooMany"];
        };
    };
    getArticles: {
        parameters: {
            query?: {
                page?: number;
                pageSize?: number;
                kind?: "article" | "announcement";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {boolean} */
                        success: true;
                        /** @enum {integer} */
                        code: 0;
                        message: string;
                        data: {
                            total: number;
                            page: number;
                            pageSize: number;
                            items: {
                                id: number;
                                kind: string;
                                title: string;
                                summary: string | null;
                                content?: string;
                                publishedAt: string | null;
                            }[];
                        };
                    };
                };
            };
            400: components["responses"]["BadRequest"];
            429: components["responses"]["TooMany"];
        };
    };
    getArticlesId: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {boolean} */
                        success: true;
                        /** @enum {integer} */
                        code: 0;
                        message: string;
                        data: {
                            id: number;
                            kind: string;
                            title: string;
                            summary: string | null;
                            content?: string;
                            publishedAt: string | null;
                        };
                    };
                };
            };
            400: components["responses"]["BadRequest"];
            429: components["responses"]["TooMany"];
        };
    };
    getArticlesSlugSlug: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description about（关于我们）、agreement（用户协议） */
                slug: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {boolean} */
                        success: true;
                        /** @enum {integer} */
                        code: 0;
                        message: string;
                        data: {
                            id: number;
                            kind: string;
                            title: string;
                            summary: string | null;
                            content?: string;
                            publishedAt: string | null;
                        };
                    };
                };
            };
            400: components["responses"]["BadRequest"];
            429: components["responses"]["TooMany"];
        };
    };
    getServiceStatus: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {boolean} */
                        success: true;
                        /** @enum {integer} */
                        code: 0;
                        message: string;
                        data: {
                            /**
                             * @description 总体状态：全部正常为 normal，全部维护为 maintenance，否则 degraded
                             * @enum {string}
                             */
                            status: "normal" | "degraded" | "maintenance";
                            /** @description status 不是 normal（首页展开并标红） */
                            degraded: boolean;
                            /** @description API 目录中启用的每个接口的状态 */
                            apis: {
                                name: string;
                                path: string;
                                description: string | null;
                                /** @enum {string} */
                                status: "normal" | "degraded" | "maintenance";
                                /** @description 超级管理员填写的说明 */
                                message: string | null;
                                /** @description true：近期失败或被拒绝的调用过多，自动判定为 degraded */
                                automatic: boolean;
                            }[];
                            /** @description 已发布的服务状态公告（仅供展示，不决定状态） */
                            notices: {
                                id: number;
                                kind: string;
                                title: string;
                                summary: string | null;
                                content?: string;
                                publishedAt: string | null;
                            }[];
                        };
                    };
                };
            };
            400: components["responses"]["BadRequest"];
            429: components["responses"]["TooMany"];
        };
    };
    getV1ApiKeys: {
        parameters: {
            query?: {
                page?: number;
                pageSize?: number;
                status?: "active" | "disabled" | "expired" | "out_of_points";
                name?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {boolean} */
                        success: true;
                        /** @enum {integer} */
                        code: 0;
                        message: string;
                        data: {
                            total: number;
                            page: number;
                            pageSize: number;
                            items: {
                                /** Format: uuid */
                                id: string;
                                name: string;
                                /** @description 显示用前缀；完整 Key 只在创建时返回一次 */
                                prefix: string;
                                /**
                                 * @description active 活跃；disabled 已禁用；expired 已过期；out_of_points 积分耗尽
                                 * @enum {string}
                                 */
                                status: "active" | "disabled" | "expired" | "out_of_points";
                                enabled: boolean;
                                validityMonths: number;
                                expiresAt: string;
                                scopeAll: boolean;
                                apis: {
                                    id: number;
                                    name: string;
                                }[];
                                ipWhitelist: string[];
                                /** @description 用户的积分余额（同一用户的所有 Key 共用） */
                                remainingPoints: number;
                                callsToday: number;
                                lastUsedAt: string | null;
                                createdAt: string;
                            }[];
                        };
                    };
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            429: components["responses"]["TooMany"];
        };
    };
    postV1ApiKeys: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    name: string;
                    validityMonths: 1 | 3 | 6 | 12;
                    scopeAll?: boolean;
                    /** @default [] */
                    apiIds?: number[];
                    /** @default [] */
                    ipWhitelist?: string[];
                };
            };
        };
        responses: {
            /** @description OK */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {boolean} */
                        success: true;
                        /** @enum {integer} */
                        code: 0;
                        message: string;
                        data: {
                            /** Format: uuid */
                            id: string;
                            name: string;
                            /** @description 完整 Key，仅此一次 */
                            key: string;
                            prefix: string;
                            validityMonths: number;
                            expiresAt: string;
                            scopeAll: boolean;
                            apiIds: number[];
                            ipWhitelist: string[];
                            createdAt: string;
                        };
                    };
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            429: components["responses"]["TooMany"];
        };
    };
    getV1ApiKeysApis: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {boolean} */
                        success: true;
                        /** @enum {integer} */
                        code: 0;
                        message: string;
                        data: {
                            id: number;
                            name: string;
                            path: string;
                            pointsPerCall: number;
                            /** @enum {string} */
                            status: "active" | "disabled";
                            description: string | null;
                        }[];
                    };
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            429: components["responses"]["TooMany"];
        };
    };
    getV1ApiKeysId: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {boolean} */
                        success: true;
                        /** @enum {integer} */
                        code: 0;
                        message: string;
                        data: {
                            /** Format: uuid */
                            id: string;
                            name: string;
                            /** @description 显示用前缀；完整 Key 只在创建时返回一次 */
                            prefix: string;
                            /**
                             * @description active 活跃；disabled 已禁用；expired 已过期；out_of_points 积分耗尽
                             * @enum {string}
                             */
                            status: "active" | "disabled" | "expired" | "out_of_points";
                            enabled: boolean;
                            validityMonths: number;
                            expiresAt: string;
                            scopeAll: boolean;
                            apis: {
                                id: number;
                                name: string;
                            }[];
                            ipWhitelist: string[];
                            /** @description 用户的积分余额（同一用户的所有 Key 共用） */
                            remainingPoints: number;
                            callsToday: number;
                            lastUsedAt: string | null;
                            createdAt: string;
                        };
                    };
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            429: components["responses"]["TooMany"];
        };
    };
    deleteV1ApiKeysId: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {boolean} */
                        success: true;
                        /** @enum {integer} */
                        code: 0;
                        message: string;
                        data: {
                            deleted: number;
                        };
                    };
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            429: components["responses"]["TooMany"];
        };
    };
    patchV1ApiKeysId: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    name?: string;
                    enabled?: boolean;
                };
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {boolean} */
                        success: true;
                        /** @enum {integer} */
                        code: 0;
                        message: string;
                        data: {
                            /** Format: uuid */
                            id: string;
                            name: string;
                            enabled: boolean;
                        };
                    };
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            429: components["responses"]["TooMany"];
        };
    };
    getV1ApiKeysIdStats: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {boolean} */
                        success: true;
                        /** @enum {integer} */
                        code: 0;
                        message: string;
                        data: {
                            days: {
                                /** @description YYYY-MM-DD（北京时间） */
                                day: string;
                                calls: number;
                                points: number;
                            }[];
                            totalCalls: number;
                            totalPoints: number;
                        };
                    };
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            429: components["responses"]["TooMany"];
        };
    };
    putV1ApiKeysIdAccess: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    scopeAll?: boolean;
                    /** @default [] */
                    apiIds?: number[];
                    /** @default [] */
                    ipWhitelist?: string[];
                };
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {boolean} */
                        success: true;
                        /** @enum {integer} */
                        code: 0;
                        message: string;
                        data: {
                            /** Format: uuid */
                            id: string;
                            scopeAll: boolean;
                            apiIds: number[];
                            ipWhitelist: string[];
                        };
                    };
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            429: components["responses"]["TooMany"];
        };
    };
    postV1ApiKeysBatch: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @enum {string} */
                    action: "enable" | "disable" | "delete";
                    ids: string[];
                };
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {boolean} */
                        success: true;
                        /** @enum {integer} */
                        code: 0;
                        message: string;
                        data: {
                            /** @enum {string} */
                            action: "enable" | "disable" | "delete";
                            changed?: number;
                            deleted?: number;
                        };
                    };
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            429: components["responses"]["TooMany"];
        };
    };
}
