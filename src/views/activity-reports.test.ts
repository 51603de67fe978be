import { expect } from 'chai';
import { TypedRegistry } from '../kernel/plugins/typed-registry';
import type { SessionUser } from '../identity/session-user';
import { Translator } from './i18n';
import { ViewEngine } from './view-engine';
import { activityReportLinks, activityReportsHelper, type ActivityReport, type ActivityReportDeps } from './activity-reports';

const trainer: SessionUser = { id: 'u1', username: 'w', name: 'Widyaiswara', roles: ['trainer'], locale: 'id', timeZone: 'Asia/Makassar', via: 'session' };

function report(id: string, owner: string, types: Record<string, string>, capability = `${owner}:view`): [string, ActivityReport] {
  return [owner, { id, labelKey: `${owner}:link`, capability, href: (type, refId) => (types[type] ? `/${owner}/${types[type]}/${refId}` : null) }];
}

function deps(entries: Array<[string, ActivityReport]>, opts: { inactive?: string[]; caps?: string[] } = {}): ActivityReportDeps {
  const registry = new TypedRegistry<ActivityReport>('report');
  for (const [owner, item] of entries) registry.add(owner, item);
  return { registry, translator: new Translator('id'), isActive: (owner) => !opts.inactive?.includes(owner), can: (_u, cap) => (opts.caps ?? [cap]).includes(cap) };
}

describe('activity reports', () => {
  const entries = [report('item-analysis', 'report-a', { 'activity-quiz': 'quizzes', 'activity-exam': 'exams' }), report('attendance', 'report-b', { 'activity-event': 'events' })];

  it('links the reports about this activity type, in id order', () => {
    expect(activityReportLinks(deps(entries), trainer, 'id', 'activity-quiz', 'q1').map((l) => l.href)).to.deep.equal(['/report-a/quizzes/q1']);
    expect(activityReportLinks(deps(entries), trainer, 'id', 'activity-event', 'e1').map((l) => l.id)).to.deep.equal(['attendance']);
    expect(activityReportLinks(deps(entries), trainer, 'id', 'activity-lesson', 'l1')).to.deep.equal([]);
  });

  it('leaves out a report whose plugin is not running, one the user may not see, and all for no user', () => {
    expect(activityReportLinks(deps(entries, { inactive: ['report-a'] }), trainer, 'id', 'activity-quiz', 'q1')).to.deep.equal([]);
    expect(activityReportLinks(deps(entries, { caps: ['report-b:view'] }), trainer, 'id', 'activity-quiz', 'q1')).to.deep.equal([]);
    expect(activityReportLinks(deps(entries), undefined, 'id', 'activity-quiz', 'q1')).to.deep.equal([]);
  });

  it('renders through the template helper for the page\'s user, escaped (an unknown key reads as its last part)', () => {
    const d = deps([report('item-analysis', 'report-a', { 'activity-quiz': 'quizzes' })]);
    const views = new ViewEngine(d.translator);
    views.helper('core', 'activityReports', activityReportsHelper(d));
    views.addTemplate('test', 'page', '{{#each (activityReports "activity-quiz" quizId)}}<a href="{{href}}" data-testid="activity-report-{{id}}">{{label}}</a>{{/each}}');
    expect(views.render('page', { user: trainer, locale: 'id', quizId: 'q"1' })).to.equal('<a href="/report-a/quizzes/q&quot;1" data-testid="activity-report-item-analysis">link</a>');
    expect(views.render('page', { locale: 'id', quizId: 'q1' })).to.equal('');
  });
});
