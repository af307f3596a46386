/** What tickets are about and what exports hold: the vocabulary of the marketplace's work. */
export const SUPPORT_TOPICS = [
  'listing',
  'payments',
  'account-health',
  'shipping',
  'returns',
  'review-dispute',
];
export const SUPPORT_TOPIC_WEIGHTS = [0.25, 0.18, 0.15, 0.17, 0.15, 0.1];
export const LEGAL_TOPICS = ['subpoena', 'ip-complaint', 'defamation-claim', 'regulator-request'];
export const DATASETS = [
  'sales-daily',
  'seller-metrics',
  'reviews-aggregate',
  'returns',
  'traffic',
  'reviews-full',
  'customers',
];
export const PLAIN_FIELDS = [
  'sellerId',
  'productId',
  'category',
  'revenue',
  'units',
  'conversion',
  'rating',
  'reviewId',
  'createdAt',
  'region',
];
