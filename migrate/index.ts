/** `x-aaa-migrate` as a library: the command callable in-process, and its parts. */
export { migrate, runMigrate, defaultStatePath } from './pipeline';
export type { MigrateIO, MigrateResult, MigrateHooks, UnitOutcome } from './pipeline';
export { parseArgs, credentialsFromEnv, ConfigError, USAGE } from './options';
export type { MigrateOptions } from './options';
export { Journal, lockJournal } from './journal';
export type { Fingerprint, JournalRecord } from './journal';
export { writeReport, csvPathOf } from './report';
export type { ReportRow, ReportSummary, UserStatus } from './report';
export { AaaTarget } from './targets/aaa-target';
export { XaaTarget } from './targets/xaa-target';
export { outcomeOfError } from './targets/target';
export type { MigrationTarget, TargetPlan } from './targets/target';
export { main } from './cli';
