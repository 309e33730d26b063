import { ApiKey } from './ApiKey';
import { AuditEntry } from './AuditLog';
import { CampaignEvent, CampaignRun, Enrolment, Send, Suppression } from './Campaigns';
import { Code, Feedback, Redemption } from './Codes';
import { Customer } from './Customer';
import { ImportBatch } from './ImportBatch';
import { Incident, IncidentCustomer, IncidentUpdate } from './Incidents';
import { CustomerScore, ModelFit } from './Models';
import { Order } from './Order';
import { StaffSession, StaffUser } from './Staff';

export { ApiKey, CampaignEvent, CampaignRun, Customer, CustomerScore, Enrolment, ImportBatch, Incident, IncidentCustomer, IncidentUpdate, ModelFit, Order, Send, Suppression, Code, Redemption, Feedback, StaffUser, StaffSession, AuditEntry };
export const entities = [Customer, Order, ImportBatch, ApiKey, ModelFit, CustomerScore, CampaignRun, Enrolment, Send, Suppression, CampaignEvent, Incident, IncidentCustomer, IncidentUpdate, Code, Redemption, Feedback, StaffUser, StaffSession, AuditEntry];
