// App-wide state that every screen reads: the business profile (locale, currency, time zone), and
// which Stripe modes are connected (the sidebar shows TEST MODE while Paydesk works in test mode).
import type { BusinessProfile, StripeStatus } from './backend/types';

export const DEFAULT_BUSINESS: BusinessProfile = {
  name: '',
  address: '',
  email: '',
  phone: '',
  tax_id: '',
  has_logo: false,
  currency: 'EUR',
  time_zone: 'Europe/Paris',
  locale: 'en-GB',
  invoice_number_format: 'INV-{YYYY}-{SEQ:4}',
  payment_terms_days: 30,
  invoice_terms: '',
  save_cards_on_pay: false,
  accent_color: '#0D54BF',
};

export const session = $state({
  business: { ...DEFAULT_BUSINESS },
  stripe: { test: null, live: null, active: null } as StripeStatus,
});
