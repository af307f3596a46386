import type { NodeSingular, StylesheetJson } from 'cytoscape';
import { useEffect, useRef } from 'react';
import { all } from './api';
import { Show } from './Dashboard';
import { useLoad } from './useLoad';

interface Ring {
  employees: string[];
  sellers: string[];
  density: number;
}
interface Seller {
  sellerId: string;
  score: number;
}

/**
 * The collusion graph: each ring a highlighted block (shaded by its density) of employees and
 * the sellers they favour, sellers sized by how much they gained. Cytoscape is loaded only
 * when this page opens, so the dashboard does not wait for it.
 */
export function Rings() {
  const [data] = useLoad(
    async () => ({ rings: await all<Ring>('/rings'), sellers: await all<Seller>('/sellers') }),
    'rings',
  );
  return (
    <section aria-labelledby="rings">
      <h1 id="rings">Collusion rings</h1>
      <Show it={data}>
        {(d) =>
          d.rings.length === 0 ? (
            <p>No ring was found.</p>
          ) : (
            <RingGraph rings={d.rings} sellers={d.sellers} />
          )
        }
      </Show>
    </section>
  );
}

function RingGraph({ rings, sellers }: { rings: Ring[]; sellers: Seller[] }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    let destroy = (): void => {};
    void import('cytoscape').then(({ default: cytoscape }) => {
      if (!box.current) return;
      const cy = cytoscape({
        container: box.current,
        elements: elementsOf(rings, sellers),
        style: STYLE,
        layout: { name: 'cose', animate: false },
      });
      destroy = () => cy.destroy();
    });
    return () => destroy();
  }, [rings, sellers]);
  return (
    <>
      <div ref={box} className="graph" role="img" aria-label={`${rings.length} rings`} />
      <table>
        <caption>The rings, densest first</caption>
        <thead>
          <tr>
            <th scope="col">Employees</th>
            <th scope="col">Sellers</th>
            <th scope="col">Density</th>
          </tr>
        </thead>
        <tbody>
          {[...rings]
            .sort((a, b) => b.density - a.density)
            .map((r) => (
              <tr key={r.employees.join(' ')}>
                <td>
                  {r.employees.map((e) => (
                    <a key={e} href={`#/employee/${encodeURIComponent(e)}`} className="chip">
                      {e}
                    </a>
                  ))}
                </td>
                <td>{r.sellers.join(', ')}</td>
                <td className="num">{r.density.toFixed(2)}</td>
              </tr>
            ))}
        </tbody>
      </table>
    </>
  );
}

/** Nodes per employee and seller inside a compound node per ring; an edge per pair. */
function elementsOf(rings: Ring[], sellers: Seller[]) {
  const benefit = new Map(sellers.map((s) => [s.sellerId, s.score]));
  const top = Math.max(1, ...rings.map((r) => r.density));
  const els: { data: Record<string, string | number> }[] = [];
  const seen = new Set<string>();
  rings.forEach((r, i) => {
    const ring = `ring-${i}`;
    els.push({ data: { id: ring, label: `ring ${i + 1}`, shade: r.density / top } });
    for (const e of r.employees) node(`emp:${e}`, { label: e, kind: 'employee', parent: ring });
    for (const s of r.sellers)
      node(`sel:${s}`, { label: s, kind: 'seller', size: 20 + (benefit.get(s) ?? 0) * 0.6 });
    for (const e of r.employees)
      for (const s of r.sellers)
        els.push({ data: { id: `${ring}:${e}:${s}`, source: `emp:${e}`, target: `sel:${s}` } });
  });
  return els;

  function node(id: string, data: Record<string, string | number>): void {
    if (seen.has(id)) return; // an employee or seller in two rings is drawn once
    seen.add(id);
    els.push({ data: { id, ...data } });
  }
}

const STYLE: StylesheetJson = [
  { selector: 'node', style: { label: 'data(label)', 'font-size': 10, color: '#111' } },
  {
    selector: 'node[kind = "employee"]',
    style: { 'background-color': '#2b6cb0', width: 18, height: 18 },
  },
  {
    selector: 'node[kind = "seller"]',
    style: {
      'background-color': '#c05621',
      shape: 'diamond',
      width: 'data(size)',
      height: 'data(size)',
    },
  },
  {
    selector: ':parent',
    style: {
      'background-color': '#e53e3e',
      'background-opacity': (ele: NodeSingular) => 0.08 + 0.27 * Number(ele.data('shade')),
      'border-color': '#9b2c2c',
      'text-valign': 'top',
    },
  },
  { selector: 'edge', style: { width: 1, 'line-color': '#718096' } },
];
