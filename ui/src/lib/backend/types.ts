// TypeScript mirrors of the JSON that paydesk-core's types serialize to (serde output).
// Money amounts are ALWAYS decimal strings carrying exactly the currency's decimals.
// This file will be replaced by generated bindings; import these types from here only.

export interface Money {
  amount: string;
  currency: string;
}

export interface BusinessProfile {
  name: string;
  address: string;
  email: string;
  phone: string;
  tax_id: string;
  has_logo: boolean;
  currency: string;
  time_zone: string;
  locale: string;
  invoice_number_format: string;
  payment_terms_days: number;
  invoice_terms: string;
}

export type BusinessUpdate = Partial<Omit<BusinessProfile, 'has_logo'>>;

export interface Client {
  id: number;
  name: string;
  email: string;
  phone: string;
  address: string;
  notes: string;
  created_at: string;
}

export interface ClientInput {
  name: string;
  email: string;
  phone: string;
  address: string;
  notes: string;
}

export interface StaffMember {
  id: number;
  name: string;
  email: string;
  active: boolean;
}

export interface StaffInput {
  name: string;
  email: string;
  active: boolean;
}

export interface Service {
  id: number;
  name: string;
  duration_minutes: number;
  price: Money;
  tax_rate: string;
  active: boolean;
}

export interface ServiceInput {
  name: string;
  duration_minutes: number;
  price: string;
  currency?: string | null;
  tax_rate: string;
  active: boolean;
}

export type BookingStatus = 'booked' | 'completed' | 'cancelled' | 'no_show';

export interface Booking {
  id: number;
  client_id: number;
  client_name: string;
  staff_id: number;
  staff_name: string;
  service_ids: number[];
  starts_at: string;
  ends_at: string;
  status: BookingStatus;
  notes: string;
}

export interface BookingInput {
  client_id: number;
  staff_id: number;
  service_ids: number[];
  starts_at: string;
  ends_at?: string | null;
  notes: string;
}

export type InvoiceStatus =
  | 'draft'
  | 'open'
  | 'partially_paid'
  | 'paid'
  | 'partially_refunded'
  | 'refunded'
  | 'void'
  | 'uncollectible';

export type InvoiceState = 'draft' | 'open' | 'void' | 'uncollectible';

export interface Line {
  description: string;
  quantity: string;
  unit_price: Money;
  tax_rate: string;
  discount_percent: string;
  service_id: number | null;
}

export interface LineInput {
  description: string;
  quantity: string;
  unit_price: string;
  tax_rate: string;
  discount_percent: string;
  service_id?: number | null;
}

export interface LineAmounts {
  gross: Money;
  discount: Money;
  net: Money;
  tax: Money;
}

export interface TaxRow {
  rate: string;
  net: Money;
  tax: Money;
}

export interface Totals {
  subtotal: Money;
  discount: Money;
  tax: Money;
  total: Money;
  taxes: TaxRow[];
  lines: LineAmounts[];
}

export type PaymentMethod = 'cash' | 'cheque' | 'bank_transfer' | 'card' | 'other';

export interface Payment {
  id: number;
  invoice_id: number;
  amount: Money;
  method: PaymentMethod;
  received_on: string;
  reference: string;
  created_at: string;
}

export interface PaymentInput {
  amount: string;
  method: PaymentMethod;
  received_on?: string | null;
  reference: string;
}

export interface Refund {
  id: number;
  payment_id: number;
  invoice_id: number;
  amount: Money;
  reason: string;
  refunded_on: string;
  created_at: string;
}

export interface RefundInput {
  amount?: string | null;
  reason: string;
  refunded_on?: string | null;
}

export interface Invoice {
  id: number;
  number: string | null;
  client_id: number;
  client_name: string;
  booking_id: number | null;
  currency: string;
  issue_date: string;
  due_date: string;
  notes: string;
  terms: string;
  state: InvoiceState;
  status: InvoiceStatus;
  lines: Line[];
  totals: Totals;
  paid: Money;
  refunded: Money;
  amount_due: Money;
  payments: Payment[];
  refunds: Refund[];
  created_at: string;
  finalized_at: string | null;
  voided_at: string | null;
}

export interface InvoiceInput {
  client_id: number;
  currency?: string | null;
  issue_date?: string | null;
  due_date?: string | null;
  lines: LineInput[];
  notes: string;
  terms?: string | null;
  booking_id?: number | null;
}

export interface InvoiceQuery {
  search: string;
  statuses: InvoiceStatus[];
  client_id?: number | null;
  limit?: number | null;
  offset?: number | null;
}

export interface InvoiceSummary {
  id: number;
  number: string | null;
  client_id: number;
  client_name: string;
  issue_date: string;
  due_date: string;
  status: InvoiceStatus;
  total: Money;
  amount_due: Money;
}

export interface InvoicePage {
  items: InvoiceSummary[];
  total_count: number;
}

export interface Dashboard {
  outstanding: Money[];
  overdue: Money[];
  paid_this_month: Money[];
  recent: InvoiceSummary[];
}
