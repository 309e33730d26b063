/**
 * What support staff may not promise a customer they are talking to, and answers to the tough
 * questions, from the customer's offer decision (part of the offer advisor, explain.ts). Pure.
 */
import type { OfferDecision } from './budget';
import type { Money } from './money';

export function mayNotPromise(decision: OfferDecision, who: string, amount: (m: Money) => string): string[] {
  const offer = decision.offer;
  const lines = [
    offer === null
      ? `Do not offer a discount, credit or gift: there is no offer for ${who}.`
      : `Do not offer more than "${offer.rung.label}", and do not add another discount on top of it.`,
    `Do not quote their score, value or budget to them; those numbers are for you, not for the customer.`,
    `Do not promise future offers or prices.`,
  ];
  const makeGood = decision.makeGood;
  if (makeGood !== null) {
    lines.push(`Do not promise dates or fixes the incident plan does not state, and do not blame anyone for what happened.`);
    if (makeGood.limitedByCap) lines.push(`Do not promise the remaining ${amount(makeGood.owed.minus(makeGood.amount))} of the make-good yourself; a manager decides.`);
  }
  return lines;
}

export function toughQuestions(decision: OfferDecision): { question: string; answer: string }[] {
  const { offer, makeGood } = decision;
  const bigger =
    offer === null
      ? `We don't have a discount for you today. What I can do is listen: tell me what would bring you back, and I will pass it on to the team.`
      : `"${offer.rung.label}" is the best we can offer you today; every offer we make is one we can keep for every customer in your place. If something went wrong for you that we haven't put right, tell me and I'll make sure it is looked at.`;
  const questions = [
    { question: `Why didn't I get a bigger discount?`, answer: bigger },
    {
      question: `My friend got a better offer.`,
      answer: `Offers differ from customer to customer and I can't discuss anyone else's account, but I can check that yours is right, and I'm glad to.`,
    },
  ];
  questions.push(
    makeGood !== null
      ? {
          question: `Is that all I get for what happened?`,
          answer: `This is what we owe you for what went wrong, whatever else happens; it is not a price on your trust. Tell me how we can make it right, and I will make sure the team hears it and writes back to you.`,
        }
      : {
          question: `Why are you writing to me now?`,
          answer: `We haven't seen you in a while and we miss you. If you'd rather not hear from us, the "stop writing to me" link in every email stops it at once.`,
        },
  );
  return questions;
}
