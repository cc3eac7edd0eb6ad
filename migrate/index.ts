/** `x-aaa-migrate` as a library: the command callable in-process, and its parts. */
export { migrate, runMigrate, defaultStatePath } from './run';
export type { MigrateIO, MigrateResult, MigrateHooks } from './run';
export { parseArgs, credentialsFromEnv, ConfigError, USAGE } from './options';
export type { MigrateOptions } from './options';
export { Journal } from './journal';
export type { Fingerprint, JournalRecord } from './journal';
export { writeReport, csvPathOf } from './report';
export type { ReportRow, ReportSummary, UserStatus } from './report';
export { AaaTarget, outcomeOfError } from './target';
export type { MigrationTarget, UnitOutcome, UnitUser } from './target';
export { main } from './cli';
