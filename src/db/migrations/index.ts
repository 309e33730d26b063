import { Foundation1732350000000 } from './1732350000000-Foundation';
import { Models1732355000000 } from './1732355000000-Models';
import { Campaigns1732360000000 } from './1732360000000-Campaigns';
import { Codes1732370000000 } from './1732370000000-Codes';
import { SlimOrders1732380000000 } from './1732380000000-SlimOrders';
import { ReportIndexes1732390000000 } from './1732390000000-ReportIndexes';
import { WebhookDeliveries1732391000000 } from './1732391000000-WebhookDeliveries';
import { OrderNames1732392000000 } from './1732392000000-OrderNames';
import { Digests1732395000000 } from './1732395000000-Digests';
import { StaffUsers1732396000000 } from './1732396000000-StaffUsers';
import { CustomerSearch1732397300000 } from './1732397300000-CustomerSearch';
import { ScoreOverviews1732397400000 } from './1732397400000-ScoreOverviews';
import { AuditLog1732400000000 } from './1732400000000-AuditLog';
import { FeedbackCases1732401000000 } from './1732401000000-FeedbackCases';
import { ScoreIntervals1732402000000 } from './1732402000000-ScoreIntervals';
import { SendLeases1732403000000 } from './1732403000000-SendLeases';
import { PurchaseLogIndex1732404000000 } from './1732404000000-PurchaseLogIndex';
import { PostgresTimestamps1732409000000 } from './1732409000000-PostgresTimestamps';
import { SearchInByteOrder1732410000000 } from './1732410000000-SearchInByteOrder';

/** In order. Each later issue appends its migration here. */
export const migrations = [Foundation1732350000000, Models1732355000000, Campaigns1732360000000, Codes1732370000000, SlimOrders1732380000000, ReportIndexes1732390000000, WebhookDeliveries1732391000000, OrderNames1732392000000, Digests1732395000000, StaffUsers1732396000000, CustomerSearch1732397300000, ScoreOverviews1732397400000, AuditLog1732400000000, FeedbackCases1732401000000, ScoreIntervals1732402000000, SendLeases1732403000000, PurchaseLogIndex1732404000000, PostgresTimestamps1732409000000, SearchInByteOrder1732410000000];
