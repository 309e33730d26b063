/** The DataSource the TypeORM CLI uses (`npm run typeorm -- migration:show`); the app builds the same one in src/wiring.ts. */
import { loadConfig } from './src/config';
import { createDataSource } from './src/db/dataSource';

export default createDataSource(loadConfig().database);
