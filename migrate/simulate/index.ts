/**
 * `--simulate`: a wrapper that starts the X simulator, writes the inputs a simulated app had, and
 * runs the same pipeline on them. The pipeline never imports this folder; the CLI loads it only
 * for --simulate.
 */
import type { MigrateOptions } from '../options';
import type { MigrateIO, MigrateResult } from '../pipeline';
import { runAaaSimulation } from './aaa-demo';
import { runXaaSimulation } from './xaa-demo';

export function runSimulation(options: MigrateOptions, io: MigrateIO): Promise<MigrateResult> {
	return options.to === 'xaa' ? runXaaSimulation(options, io) : runAaaSimulation(options, io);
}
