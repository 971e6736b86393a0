import { invoke } from '@tauri-apps/api/core';
import { listen } from '@tauri-apps/api/event';
import type { PassReport } from './types';
import { BackendError, type Backend, type ExportProgress } from './backend';

/** Calls a Tauri command and turns its `{code, message, field}` rejection into a BackendError. */
async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (e) {
    throw BackendError.from(e);
  }
}

/** Calls `listener` with every `event` the Rust side emits; returns the function that stops listening. */
function subscribe<T>(event: string, listener: (payload: T) => void): () => void {
  // `listen` resolves once the window is subscribed; stopping before that unsubscribes when it does.
  let stopped = false;
  let unlisten: (() => void) | null = null;
  listen<T>(event, (e) => listener(e.payload)).then(
    (un) => {
      if (stopped) un();
      else unlisten = un;
    },
    () => {},
  );
  return () => {
    stopped = true;
    unlisten?.();
  };
}

// Tauri v2 renames a command's Rust parameters to camelCase on the JS side by default, so
// `invoice_id: i64` is passed as `invoiceId`. Single-word names (id, input, query, from, to,
// status, update, search, limit, offset) are the same either way.
export const tauriBackend: Backend = {
  getBusiness: () => call('get_business'),
  updateBusiness: (update) => call('update_business', { update }),
  setLogo: (bytes) => call('set_logo', { bytes }),
  clearLogo: () => call('clear_logo'),
  getLogo: () => call('get_logo'),

  listClients: (search, limit, offset) => call('list_clients', { search, limit, offset }),
  getClient: (id) => call('get_client', { id }),
  createClient: (input) => call('create_client', { input }),
  updateClient: (id, input) => call('update_client', { id, input }),
  deleteClient: (id) => call('delete_client', { id }),

  listServices: () => call('list_services'),
  createService: (input) => call('create_service', { input }),
  updateService: (id, input) => call('update_service', { id, input }),

  listStaff: () => call('list_staff'),
  createStaff: (input) => call('create_staff', { input }),
  updateStaff: (id, input) => call('update_staff', { id, input }),

  listBookings: (from, to, staffId) => call('list_bookings', { from, to, staffId }),
  checkBooking: (input, exceptId) => call('check_booking', { input, exceptId }),
  createBooking: (input) => call('create_booking', { input }),
  updateBooking: (id, input) => call('update_booking', { id, input }),
  setBookingStatus: (id, status) => call('set_booking_status', { id, status }),

  listInvoices: (query) => call('list_invoices', { query }),
  getInvoice: (id) => call('get_invoice', { id }),
  createInvoice: (input) => call('create_invoice', { input }),
  updateDraft: (id, input) => call('update_draft', { id, input }),
  deleteDraft: (id) => call('delete_draft', { id }),
  finalizeInvoice: (id) => call('finalize_invoice', { id }),
  voidInvoice: (id) => call('void_invoice', { id }),
  markUncollectible: (id) => call('mark_uncollectible', { id }),

  recordPayment: (invoiceId, input) => call('record_payment', { invoiceId, input }),
  refundPayment: (paymentId, input) => call('refund_payment', { paymentId, input }),
  listPayments: (from, to) => call('list_payments', { from, to }),

  dashboard: () => call('dashboard'),

  invoicePayLinks: (invoiceId) => call('invoice_pay_links', { invoiceId }),
  syncPayLink: (invoiceId) => call('sync_pay_link', { invoiceId }),
  addPayLink: (invoiceId) => call('add_pay_link', { invoiceId }),

  listJobs: () => call('list_jobs'),
  getJob: (id) => call('get_job', { id }),
  createJob: (input) => call('create_job', { input }),
  requestPayment: (jobId, input) => call('request_payment', { jobId, input }),

  stripeStatus: () => call('stripe_status'),
  stripeConnect: (key, mode) => call('stripe_connect', { key, mode }),
  stripeRefresh: (mode) => call('stripe_refresh', { mode }),
  stripeDisconnect: (mode) => call('stripe_disconnect', { mode }),
  stripeSetActiveMode: (mode) => call('stripe_set_active_mode', { mode }),

  emailSettings: () => call('email_settings'),
  configureSmtp: (input, password) => call('configure_smtp', { input, password }),
  signInEmail: (input) => call('sign_in_email', { input }),
  disconnectEmail: () => call('disconnect_email'),
  sendTestEmail: (to) => call('send_test_email', { to }),
  invoiceEmailDraft: (invoiceId) => call('invoice_email_draft', { invoiceId }),
  invoiceEmails: (invoiceId) => call('invoice_emails', { invoiceId }),
  sendInvoice: (invoiceId, input) => call('send_invoice', { invoiceId, input }),
  issuedPdfs: (invoiceId) => call('issued_pdfs', { invoiceId }),
  openInvoicePdf: (invoiceId) => call('open_invoice_pdf', { invoiceId }),
  saveInvoicePdf: (invoiceId) => call('save_invoice_pdf', { invoiceId }),
  saveReceiptPdf: (paymentId) => call('save_receipt_pdf', { paymentId }),

  syncNow: () => call('sync_now'),
  expectPayment: () => call('expect_payment'),
  syncStatus: () => call('sync_status'),
  activityFeed: (limit) => call('activity_feed', { limit }),
  markActivitySeen: () => call('mark_activity_seen'),
  invoiceStripePayments: (invoiceId) => call('invoice_stripe_payments', { invoiceId }),
  unmatchedPayments: () => call('unmatched_payments'),
  assignStripePayment: (stripePaymentId, invoiceId) => call('assign_stripe_payment', { stripePaymentId, invoiceId }),
  savedCards: (clientId) => call('saved_cards', { clientId }),
  chargeSavedCard: (invoiceId) => call('charge_saved_card', { invoiceId }),
  removeSavedCard: (clientId, card) => call('remove_saved_card', { clientId, card }),
  expiringCards: () => call('expiring_cards'),
  chargeSavedCards: (invoiceIds) => call('charge_saved_cards', { invoiceIds }),
  sendCardRequest: (clientId, to) => call('send_card_request', { clientId, to }),
  onSyncReport: (listener) => subscribe<PassReport[]>('sync-report', listener),

  bookingPolicy: () => call('booking_policy'),
  setBookingPolicy: (policy) => call('set_booking_policy', { policy }),
  serviceDeposit: (serviceId) => call('service_deposit', { serviceId }),
  setServiceDeposit: (serviceId, rule) => call('set_service_deposit', { serviceId, rule }),
  clientAutoCharge: (clientId) => call('client_auto_charge', { clientId }),
  setClientAutoCharge: (clientId, on) => call('set_client_auto_charge', { clientId, on }),
  depositQuote: (bookingId) => call('deposit_quote', { bookingId }),
  depositQuoteForServices: (serviceIds) => call('deposit_quote_for_services', { serviceIds }),
  bookingDeposit: (bookingId) => call('booking_deposit', { bookingId }),
  sendDepositRequest: (bookingId, to) => call('send_deposit_request', { bookingId, to }),
  keepBooking: (bookingId) => call('keep_booking', { bookingId }),
  releaseBooking: (bookingId) => call('release_booking', { bookingId }),
  cancelBooking: (bookingId, status) => call('cancel_booking', { bookingId, status }),
  bookingFeeProposal: (bookingId) => call('booking_fee_proposal', { bookingId }),
  chargeBookingFee: (bookingId, amount) => call('charge_booking_fee', { bookingId, amount }),
  bookingInvoices: (bookingId) => call('booking_invoices', { bookingId }),

  reportPreview: (request) => call('report_preview', { request }),
  reportCharts: (from, to) => call('report_charts', { from, to }),
  exportReport: (request, format, bom, expectedRows) => call('export_report', { request, format, bom, expectedRows }),
  onReportExportProgress: (listener) => subscribe<ExportProgress>('report-export-progress', listener),

  saveBackup: () => call('save_backup'),
  openExternal: (url) => call('open_external', { url }),
};
