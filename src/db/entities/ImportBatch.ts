import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { ISO_TIMESTAMP_LENGTH } from '../columns';

/** One run of an import (file, API call or webhook). A failed run is recorded after rollback. */
@Entity('import_batches')
export class ImportBatch {
  @PrimaryGeneratedColumn()
  id: number;

  /** `csv:generic`, `csv:shopify`, `cdnow`, `api`, `webhook:shopify`, `customers:generic`, ... */
  @Column({ type: 'varchar', length: 40 })
  source: string;

  @Column({ type: 'varchar', length: 500, nullable: true })
  file: string | null;

  @Column({ type: 'varchar', length: 12 })
  status: 'running' | 'committed' | 'failed' | 'dry-run';

  @Column({ name: 'started_at', type: 'varchar', length: ISO_TIMESTAMP_LENGTH })
  startedAt: string;

  @Column({ name: 'finished_at', type: 'varchar', length: ISO_TIMESTAMP_LENGTH, nullable: true })
  finishedAt: string | null;

  /** JSON of the summary counts. */
  @Column({ type: 'text', nullable: true })
  counts: string | null;

  @Column({ type: 'text', nullable: true })
  error: string | null;
}
