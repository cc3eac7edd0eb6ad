import type { TriggerSettings } from '../../../nodes/XAccountActivityTrigger/delivery-handler';

/** Every activity, one output, dedupe on, own activity kept: the trigger letting everything through once. */
export const EVERYTHING_ONCE: TriggerSettings = {
	activities: [],
	outputMode: 'single',
	dedupe: true,
	forUserIds: [],
	ignoreOwnActivity: false,
};
