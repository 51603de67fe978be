/** The CSV export of people and units, in the import's columns (so an exported file imports back unchanged). */
import type { IdentityModels } from './identity-models';
import { TIME_ZONES } from './asn-lists';
import { UNIT_COLUMNS, USER_COLUMNS, writeCsv } from './people-csv';
import { UnitTree } from './unit-tree';

export async function exportCsv(models: IdentityModels, kind: 'users' | 'units'): Promise<string> {
  const tree = await UnitTree.load(models.Unit);
  if (kind === 'units') {
    return writeCsv(UNIT_COLUMNS, tree.ordered.map((n) => ({ code: n.code, name: n.name, parent_code: n.parentId ? tree.byId.get(n.parentId)?.code : '', region: n.region })));
  }
  const users = await models.User.find({}, { passwordHash: 0 }).sort({ name: 1 }).lean();
  const usernameOf = new Map(users.map((u) => [String(u._id), u.username]));
  return writeCsv(
    USER_COLUMNS,
    users.map((u) => ({
      nip: u.nip, email: u.email, name: u.name, front_title: u.frontTitle, back_title: u.backTitle, golongan: u.golongan,
      position_name: u.positionName, position_type: u.positionType, functional_level: u.functionalLevel,
      unit_code: u.unitId ? tree.byId.get(String(u.unitId))?.code : '', supervisor_nip: u.supervisorId ? usernameOf.get(String(u.supervisorId)) : '',
      phone: u.phone, time_zone: TIME_ZONES.find((z) => z.id === u.timeZone)?.label ?? '', // The import never grants admin (that is done on the person's page), so the column leaves it out.
      roles: u.roles.filter((r) => r !== 'admin').join(';'),
    })),
  );
}
