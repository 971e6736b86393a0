// Demo data for the mock backend, dated around "now" so the dashboard and calendar have content.
import type * as T from './types';
import { addDays, todayIn, zonedToUtc } from '../dates';
import { zeroMoney } from '../money';

export interface MockDb {
  business: T.BusinessProfile;
  clients: T.Client[];
  services: T.Service[];
  staff: T.StaffMember[];
  bookings: T.Booking[];
  invoices: T.Invoice[];
  payments: T.Payment[];
  refunds: T.Refund[];
  jobs: MockJob[];
  /** Which invoice asks for which part of which job (a deleted draft takes its row with it). */
  jobRequests: MockJobRequest[];
  payLinks: T.PayLink[];
}

/** A job as stored: what `Job` shows besides its requests and the sums over them. */
export interface MockJob {
  id: number;
  client_id: number;
  title: string;
  currency: string;
  contract_total: T.Money;
  tax_rate: string;
  notes: string;
  created_at: string;
}

export interface MockJobRequest {
  invoice_id: number;
  job_id: number;
  kind: T.RequestKind;
  /** Net of tax. */
  amount: T.Money;
}

const business: T.BusinessProfile = {
  name: 'Studio Lumière',
  address: '12 rue des Lilas\n75011 Paris',
  email: 'bonjour@studio-lumiere.example',
  phone: '+33 1 23 45 67 89',
  tax_id: 'FR12345678901',
  has_logo: false,
  currency: 'EUR',
  time_zone: 'Europe/Paris',
  locale: 'fr-FR',
  invoice_number_format: 'INV-{YYYY}-{SEQ:4}',
  payment_terms_days: 14,
  invoice_terms: 'Payment within 14 days. Thank you!',
  save_cards_on_pay: false,
  accent_color: '#0D54BF',
};

export function seed(seeded: boolean, now: Date): MockDb {
  const db: MockDb = {
    business: { ...business },
    clients: [],
    services: [],
    staff: [],
    bookings: [],
    invoices: [],
    payments: [],
    refunds: [],
    jobs: [],
    jobRequests: [],
    payLinks: [],
  };
  if (!seeded) return db;
  const today = todayIn(business.time_zone, now);
  const created = now.toISOString().replace(/\.\d{3}Z$/, 'Z');

  const clients: [string, string, string][] = [
    ['Zoë Martin', 'zoe@example.com', '+33 6 11 22 33 44'],
    ['Ana Souza', 'ana.souza@example.com', '+33 6 55 66 77 88'],
    ['Léo Bernard', 'leo@example.com', ''],
    ['Mia Dubois', '', '+33 7 12 34 56 78'],
    ['Noah Laurent', 'noah.laurent@example.org', ''],
  ];
  db.clients = clients.map(([name, email, phone], i) => ({ id: i + 1, name, email, phone, address: '', notes: '', created_at: created }));

  const services: [string, number, string][] = [
    ['Haircut', 45, '45.00'],
    ['Colour', 90, '85.00'],
    ['Blow-dry', 30, '25.00'],
    ['Beard trim', 20, '15.00'],
  ];
  db.services = services.map(([name, duration_minutes, amount], i) => ({
    id: i + 1,
    name,
    duration_minutes,
    price: { amount, currency: 'EUR' },
    tax_rate: '20',
    active: true,
  }));

  db.staff = [
    { id: 1, name: 'Ana', email: 'ana@studio-lumiere.example', active: true },
    { id: 2, name: 'Hugo', email: 'hugo@studio-lumiere.example', active: true },
  ];

  const slot = (day: string, time: string, minutes: number) => {
    const starts_at = zonedToUtc(day, time, business.time_zone);
    const ends_at = new Date(Date.parse(starts_at) + minutes * 60000).toISOString().replace('.000Z', 'Z');
    return { starts_at, ends_at };
  };
  const booking = (id: number, client: number, staff: number, service: number, day: string, time: string): T.Booking => ({
    id,
    client_id: client,
    client_name: db.clients[client - 1].name,
    staff_id: staff,
    staff_name: db.staff[staff - 1].name,
    service_ids: [service],
    ...slot(day, time, db.services[service - 1].duration_minutes),
    status: day < today ? 'completed' : 'booked',
    notes: '',
  });
  db.bookings = [
    booking(1, 1, 1, 1, addDays(today, -1), '10:00'),
    booking(2, 2, 1, 2, today, '10:00'),
    booking(3, 3, 2, 4, today, '11:30'),
    booking(4, 4, 2, 3, addDays(today, 1), '14:00'),
  ];

  const invoice = (id: number, client: number, issue: string, number: string | null, lines: T.Line[]): T.Invoice => ({
    id,
    number,
    client_id: client,
    client_name: db.clients[client - 1].name,
    booking_id: null,
    currency: 'EUR',
    issue_date: issue,
    due_date: addDays(issue, business.payment_terms_days),
    notes: '',
    terms: business.invoice_terms,
    state: number ? 'open' : 'draft',
    status: number ? 'open' : 'draft',
    lines,
    // Placeholders: the mock recomputes totals, paid and status whenever an invoice is read.
    totals: { subtotal: zeroMoney('EUR'), discount: zeroMoney('EUR'), tax: zeroMoney('EUR'), total: zeroMoney('EUR'), taxes: [], lines: [] },
    paid: zeroMoney('EUR'),
    refunded: zeroMoney('EUR'),
    amount_due: zeroMoney('EUR'),
    payments: [],
    refunds: [],
    created_at: `${issue}T09:00:00Z`,
    finalized_at: number ? `${issue}T09:05:00Z` : null,
    voided_at: null,
  });
  const line = (service: number, quantity = '1', discount_percent = '0'): T.Line => {
    const s = db.services[service - 1];
    return { description: s.name, quantity, unit_price: s.price, tax_rate: s.tax_rate, discount_percent, service_id: s.id };
  };
  const year = today.slice(0, 4);
  db.invoices = [
    invoice(1, 1, addDays(today, -40), `INV-${year}-0001`, [line(1), line(3)]),
    invoice(2, 2, addDays(today, -20), `INV-${year}-0002`, [line(2)]),
    invoice(3, 3, addDays(today, -3), `INV-${year}-0003`, [line(4), line(1, '1', '10')]),
    invoice(4, 5, addDays(today, -1), `INV-${year}-0004`, [line(1)]),
    invoice(5, 4, today, null, [line(3)]),
  ];
  db.payments = [
    { id: 1, invoice_id: 1, amount: { amount: '84.00', currency: 'EUR' }, method: 'card', received_on: addDays(today, -38), reference: '', created_at: created },
    { id: 2, invoice_id: 3, amount: { amount: '20.00', currency: 'EUR' }, method: 'cash', received_on: today, reference: '', created_at: created },
  ];
  // A job not yet billed: a contract total to request in parts.
  db.jobs = [
    {
      id: 1,
      client_id: 3,
      title: 'Salon window lettering',
      currency: 'EUR',
      contract_total: { amount: '1800.00', currency: 'EUR' },
      tax_rate: '20',
      notes: '',
      created_at: created,
    },
  ];
  return db;
}
