import { describe, expect, it } from 'vitest';
import { departmentRow } from '../../test/support/directory-rows.ts';
import { buildDepartmentTree } from './department-tree.ts';
import type { DepartmentRow } from './entity-rows.ts';
import { departmentViewOf, type DepartmentView } from './entity-views.ts';

function department(id: string, parent: string | null, order: string | null = null, connection = 'default'): DepartmentView {
  const row = departmentRow({ open_department_id: id, department_id: null, parent_open_department_id: parent, display_order: order, connection });
  // departmentRow fills every column; only the database's own updated_at is missing.
  return departmentViewOf({ ...row, updated_at: new Date(0) } as DepartmentRow);
}

type Shape = [string, Shape[]];
const shape = (nodes: readonly { open_department_id: string; children: readonly unknown[] }[]): Shape[] =>
  nodes.map((node) => [node.open_department_id, shape(node.children as typeof nodes)]);

describe('buildDepartmentTree', () => {
  it('nests children under parents, siblings by numeric order then name, unordered last', () => {
    const tree = buildDepartmentTree([department('c', 'a', '10'), department('a', '0', '2'), department('b', '0', '1'), department('d', 'a', '9'), department('e', 'a'), department('f', 'd')]);
    expect(shape(tree)).toEqual([
      ['b', []],
      ['a', [['d', [['f', []]]], ['c', []], ['e', []]]],
    ]);
  });

  it('makes a department whose parent is not shown a root, and keeps connections apart', () => {
    const tree = buildDepartmentTree([department('x', 'hidden'), department('a', '0', null, 'one'), department('child', 'a', null, 'two')]);
    // Without an order, roots go by connection, then name.
    expect(shape(tree)).toEqual([
      ['x', []],
      ['a', []],
      ['child', []],
    ]);
  });

  it('shows every department of a cycle in bad data exactly once', () => {
    const tree = buildDepartmentTree([department('p', 'q'), department('q', 'p'), department('self', 'self')]);
    const ids: string[] = [];
    const walk = (nodes: Shape[]) => nodes.forEach(([id, children]) => (ids.push(id), walk(children)));
    walk(shape(tree));
    expect(ids.sort()).toEqual(['p', 'q', 'self']);
  });
});
