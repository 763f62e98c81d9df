import type { DepartmentView } from './entity-views.ts';
import type { DepartmentNode } from './directory-view-schemas.ts';

/**
 * Nests departments under their parents, siblings in Feishu's display order. A department whose
 * parent is not among them (a top-level one, one granted alone by the contact scope, or one whose
 * parent was left out as deleted) is a root. Each directory (connection and tenant) nests apart.
 *
 * @example
 * buildDepartmentTree([a, b]) // [{ ...a, children: [{ ...b, children: [] }] }] when b.parent is a
 */
export function buildDepartmentTree(departments: readonly DepartmentView[]): DepartmentNode[] {
  const keyOf = (department: DepartmentView, id: string | null) => JSON.stringify([department.connection, department.tenant_key, id]);
  const nodes = new Map(departments.map((department) => [keyOf(department, department.open_department_id), { ...department, children: [] as DepartmentNode[] }]));
  const roots: DepartmentNode[] = [];
  for (const node of nodes.values()) {
    const parent = node.parent_open_department_id === node.open_department_id ? undefined : nodes.get(keyOf(node, node.parent_open_department_id));
    (parent?.children ?? roots).push(node);
  }
  // A cycle in bad data would leave its departments unreachable from any root: show them as roots.
  const reachable = new Set<DepartmentNode>();
  const visit = (node: DepartmentNode) => {
    reachable.add(node);
    for (const child of node.children) visit(child);
  };
  for (const root of roots) visit(root);
  for (const node of nodes.values()) {
    if (reachable.has(node)) continue;
    const parent = nodes.get(keyOf(node, node.parent_open_department_id));
    if (parent !== undefined) parent.children = parent.children.filter((child) => child !== node);
    roots.push(node);
    visit(node);
  }
  sortTree(roots);
  return roots;
}

function sortTree(nodes: DepartmentNode[]): void {
  nodes.sort(bySiblingOrder);
  for (const node of nodes) sortTree(node.children);
}

// Feishu's `order` is a number sent as a string; compare numerically, then by name and id.
function bySiblingOrder(a: DepartmentView, b: DepartmentView): number {
  const orderA = a.order === null ? Number.POSITIVE_INFINITY : Number(a.order);
  const orderB = b.order === null ? Number.POSITIVE_INFINITY : Number(b.order);
  if (orderA !== orderB && !Number.isNaN(orderA) && !Number.isNaN(orderB)) return orderA < orderB ? -1 : 1;
  return a.connection.localeCompare(b.connection) || a.name.localeCompare(b.name) || a.open_department_id.localeCompare(b.open_department_id);
}
