export { createOrder, newOrderNo } from './createOrder.js';
export { listOrders, getOrder, payOrder, getOrderStatus, cancelOrder } from './userOrders.js';
export { syncOrderWithWechat, closeExpiredOrders, closeExpiredOrdersJob, markClosed } from './syncOrder.js';
export { applyTransaction, PaymentMismatchError } from './applyTransaction.js';
export { handlePaymentNotification } from './handleNotification.js';
export { sendPaymentSuccessMessage, PaymentMessageRejected, paymentMessageJob } from './paymentMessage.js';
export { adminQueryWechat, adminRefundOrder } from './adminOrders.js';
export { OrderStatus, ORDER_STATUS_NAMES, ORDER_STATUS_LABELS, orderStatusLabel, presentOrder, amountToFen, type OrderView } from './orderStatus.js';
