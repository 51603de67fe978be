/** Capabilities the core declares (plugins declare theirs in plugin.json). Admins hold all. */
import type { CapabilityDecl } from '../kernel/plugins/manifest';

const cap = (name: string, type: 'read' | 'write', roles: CapabilityDecl['roles'], description: string, risks: CapabilityDecl['risks'] = []): CapabilityDecl => ({
  name, type, roles, risks, description,
});

export const CORE_CAPABILITIES: CapabilityDecl[] = [
  cap('core:self', 'read', ['learner', 'trainer', 'mentor'], 'See and edit one\'s own profile, tokens and dashboard'),
  cap('core:totp', 'write', ['trainer'], 'Turn on and manage one\'s own second factor (authenticator app, recovery codes)'),
  cap('core:users-manage', 'write', [], 'Create and edit users, move them between units, deactivate them and reset their passwords (unit heads: in their units)', ['personal']),
  cap('core:users-view', 'read', [], 'List users with their NIP and unit (unit heads: of their units)', ['personal']),
  cap('core:users-import', 'write', [], 'Import and export users and units as CSV', ['personal']),
  cap('core:roles-assign', 'write', [], 'Give and take roles, including unit head', ['personal', 'config']),
  cap('core:units-manage', 'write', [], 'Create and edit units (instansi / unit kerja)'),
  cap('core:units-view', 'read', ['learner', 'trainer', 'mentor'], 'List units'),
  cap('core:privacy-manage', 'write', [], 'Export everything Bina holds about a person and erase it on a lawful request (UU 27/2022)', ['personal']),
  cap('core:audit-view', 'read', [], 'Read and export the audit log (who changed what, before and after)', ['personal']),
  cap('core:plugins-view', 'read', [], 'See the plugin list with boot status and errors', ['config']),
  cap('core:queues-view', 'read', [], 'See and manage job queues in Bull Board', ['config']),
  cap('core:backups-view', 'read', [], 'See the scheduled backups: last run, size, result, files kept', ['config']),
  cap('core:backups-run', 'write', [], 'Start a backup now', ['config']),
  cap('learning:course-view', 'read', ['learner', 'trainer', 'mentor'], 'See the course catalogue and courses one may enter'),
  cap('learning:course-enrol', 'write', ['learner'], 'Enrol oneself in an open course'),
  cap('learning:course-author', 'write', ['trainer'], 'Create courses and edit the ones one teaches', ['xss']),
  cap('learning:question-author', 'write', ['trainer'], 'Author questions for one\'s courses', ['xss']),
  cap('learning:progress-view', 'read', ['trainer'], 'See the progress of the learners in one\'s courses', ['personal']),
  cap('learning:participants-manage', 'write', ['trainer'], 'Enrol and unenrol people or whole units in the courses one teaches', ['personal']),
  cap('learning:jp-claim', 'write', ['learner', 'trainer', 'mentor'], 'Claim JP for training done outside Bina, with evidence'),
  cap('learning:jp-claims-decide', 'write', [], 'Approve or reject JP claims (direct supervisors: of the people they supervise)', ['personal']),
  cap('learning:unit-dashboard', 'read', [], 'See the unit dashboard: IKM, JP compliance, competency gaps and open feedback (unit heads: of their units and the units below)', ['personal']),
  cap('learning:jp-report', 'read', [], 'See and export the JP ledgers and compliance of people (unit heads: of their units and the units below)', ['personal']),
  cap('learning:grades-view', 'read', ['trainer'], 'See and export the marks of the learners in the courses one teaches', ['personal', 'grades']),
];
