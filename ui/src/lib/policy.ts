// The booking policy's amount rules ("30 %", "20.00 EUR" or nothing) as forms edit them.
import type { AmountRule, RuleKind } from './backend/types';
import { decimal } from './validate';

export const RULE_KINDS: [RuleKind, string][] = [
  ['none', 'None'],
  ['percent', 'Percentage'],
  ['fixed', 'Fixed amount'],
];

/** What a form holds for a rule: the kind and the value as typed. */
export interface RuleForm {
  kind: RuleKind;
  value: string;
}

export function ruleForm(rule: AmountRule | null | undefined): RuleForm {
  if (!rule || rule.kind === 'none') return { kind: 'none', value: '' };
  return { kind: rule.kind, value: rule.value };
}

/** The rule to send; a "none" rule carries a zero (the core ignores it). */
export function ruleOf(f: RuleForm): AmountRule {
  return f.kind === 'none' ? { kind: 'none', value: '0' } : { kind: f.kind, value: f.value.trim() };
}

/** The value must be a number when the rule asks for one; the core judges the range. */
export function checkRule(f: RuleForm, label: string): string | null {
  if (f.kind === 'none') return null;
  return decimal(f.value, label, f.kind === 'percent' ? 2 : 3);
}

/** Whole hours, 0 to 99999 (the core judges the range). */
export function checkHours(value: string): string | null {
  return /^\d{1,5}$/.test(value.trim()) ? null : 'Write a whole number of hours, like 24.';
}

/** "30 %" / "20.00 EUR" / "None". */
export function ruleLabel(rule: AmountRule | null, currency: string): string {
  if (!rule || rule.kind === 'none') return 'None';
  return rule.kind === 'percent' ? `${rule.value} %` : `${rule.value} ${currency}`;
}
