/**
 * Stage 4, verify: lists what exists on X through the target, marks every done unit found,
 * re-sends the missing ones once through the same runner, and lists again.
 */
import { isDone } from '../unit-table';
import { runUnits, type Runner } from './run';

export interface VerifyResult {
	/** Units re-sent because X's list did not show them. */
	resent: number;
	/** Verification itself failed (listing refused): every unit counts as not verified. */
	failed?: string;
}

export async function verifyUnits(r: Runner, warn: (line: string) => void): Promise<VerifyResult> {
	const { table, users, target } = r;
	const mark = async () => {
		table.verified.fill(0);
		await target.listExisting((userId, k) => {
			const ui = users.indexOf(userId);
			if (ui !== undefined) table.verified[ui * table.parts + k] = 1;
		});
	};
	let resent = 0;
	try {
		await mark();
		const missing = new Map<number, number[]>();
		for (let ui = 0; ui < table.users; ui++) {
			for (let k = 0; k < table.parts; k++) {
				const at = ui * table.parts + k;
				if (isDone(table.codes[at]) && table.verified[at] !== 1) {
					let list = missing.get(ui);
					if (!list) missing.set(ui, (list = []));
					list.push(k);
					resent++;
				}
			}
		}
		if (missing.size > 0) {
			warn(target.words.missing(resent, missing.size));
			await runUnits({ ...r, progress: undefined }, 'verify', missing);
			await mark();
		}
		for (let at = 0; at < table.verified.length; at++) if (table.verified[at] !== 1) table.verified[at] = 2;
		return { resent };
	} catch (err) {
		table.verified.fill(2);
		return { resent, failed: err instanceof Error ? err.message : String(err) };
	}
}
