import { ApiKey } from './ApiKey';
import { Customer } from './Customer';
import { ImportBatch } from './ImportBatch';
import { Order } from './Order';

export { ApiKey, Customer, ImportBatch, Order };
export const entities = [Customer, Order, ImportBatch, ApiKey];
