/**
 * `POST /api/feedback`: the shop forwards a reply from the spokesperson's mailbox. 201 with the
 * case for a new message; 200 with the same case when its messageId was forwarded before.
 */
import { Router } from 'express';
import { parseForwardedEmail, recordForwardedEmail } from '../../feedback/inbound';
import { caseDetail } from '../../feedback/inbox';
import type { Services } from '../../wiring';
import { allow } from '../auth';
import { jsonBody } from '../apiLimits';

/** One email's text (50,000 characters at most, up to 4 bytes each in UTF-8) and its headers. */
export const FEEDBACK_BODY_LIMIT = 256 * 1024;

export function feedbackApiRoutes(services: Services): Router {
  const router = Router();
  router.post('/feedback', allow(services.apiKeys, 'marketer'), jsonBody(FEEDBACK_BODY_LIMIT), async (req, res) => {
    const now = services.clock();
    const recorded = await recordForwardedEmail(services.db, parseForwardedEmail(req.body, now));
    const detail = await caseDetail(services.db, recorded.caseId, now, services.config.feedback.reminderDays);
    res.status(recorded.duplicate ? 200 : 201).json({ case: detail?.summary, feedbackId: recorded.feedbackId, duplicate: recorded.duplicate });
  });
  return router;
}
