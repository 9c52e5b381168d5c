import type cytoscape from 'cytoscape';
import { useEffect, useRef } from 'react';
import type { CaseView } from '../types';

/** Muted colours per entity type; anything else is grey. */
const typeColours: Readonly<Record<string, string>> = {
  subject: '#5b7083',
  account: '#6f8f84',
  payment: '#8a7f6b',
  device: '#7d7391',
  media: '#8b8b8b',
  stream: '#6d8799',
};

/**
 * Each node's ring for the concentric layout: the subject innermost (2), its direct neighbours
 * next (1), everything further out (0). Without a subject in the graph, the best-linked nodes go
 * innermost (degree, Cytoscape's default).
 */
function rings(graph: CaseView['graph'], subjectId: string | null): (node: cytoscape.NodeSingular) => number {
  if (subjectId === null || !graph.nodes.some((node) => node.id === subjectId)) return (node) => node.degree(false);
  const neighbours = new Set<string>();
  for (const edge of graph.edges) {
    if (edge.from === subjectId) neighbours.add(edge.to);
    if (edge.to === subjectId) neighbours.add(edge.from);
  }
  return (node) => (node.id() === subjectId ? 2 : neighbours.has(node.id()) ? 1 : 0);
}

/**
 * The subject and its linked entities two hops out, drawn by Cytoscape (pan and zoom; no editing)
 * in rings around the subject: first hop, then second. A concentric layout places the nodes in one
 * pass; the force-directed `cose` layout took 2–5 s of main thread for the 150-node graph a case
 * can show, which held the whole case page (`npm run bench -- console`).
 * The canvas is decorative for assistive technology: the same nodes and links follow as a list.
 */
export function EntityGraph({ graph, subjectId }: { readonly graph: CaseView['graph']; readonly subjectId: string }) {
  const container = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const element = container.current;
    if (element === null || graph.nodes.length === 0) return undefined;
    let instance: cytoscape.Core | undefined;
    let cancelled = false;
    // Drawn once the page is idle, with Cytoscape (most of the page's script) loaded then: the
    // rest of the case, its 500-item timeline above all, is on screen first.
    const draw = async () => {
      const { default: cytoscapeOf } = await import('cytoscape');
      if (cancelled) return;
      instance = drawGraph(cytoscapeOf, element, graph, subjectId);
    };
    const idle =
      typeof window.requestIdleCallback === 'function'
        ? window.requestIdleCallback(() => void draw(), { timeout: 2000 })
        : window.setTimeout(() => void draw(), 0);
    return () => {
      cancelled = true;
      if (typeof window.cancelIdleCallback === 'function') window.cancelIdleCallback(idle);
      else window.clearTimeout(idle);
      instance?.destroy();
    };
  }, [graph, subjectId]);

  return (
    <div className="graph" data-testid="entity-graph">
      {graph.nodes.length === 0 ? (
        <p className="muted">No linked entities.</p>
      ) : (
        <div ref={container} className="graph-canvas" aria-hidden="true" />
      )}
      <details>
        <summary>
          Linked entities as a list ({graph.nodes.length}
          {graph.truncated ? ', cut at the limit' : ''})
        </summary>
        <ul className="plain">
          {graph.edges.map((edge) => (
            <li key={`${edge.from}-${edge.kind}-${edge.to}`}>
              {edge.from} — {edge.kind} → {edge.to}
            </li>
          ))}
          {graph.edges.length === 0 && graph.nodes.map((node) => <li key={node.id}>{`${node.id} (${node.type})`}</li>)}
        </ul>
      </details>
    </div>
  );
}

/** Above this many links the canvas draws them without their kind (the list below names it). */
const maxLabelledEdges = 40;

/** Draws `graph` into `element` with Cytoscape, in rings around the subject. */
function drawGraph(
  cytoscape: typeof import('cytoscape'),
  element: HTMLDivElement,
  graph: CaseView['graph'],
  subjectId: string | null,
): cytoscape.Core {
  const known = new Set(graph.nodes.map((node) => node.id));
  // Edge labels cost most of the drawing on a large graph and are unreadable there anyway; the
  // linked-entity list below the canvas names every link's kind.
  const edgeLabels = graph.edges.length <= maxLabelledEdges;
  return cytoscape({
    container: element,
    elements: [
      ...graph.nodes.map((node) => ({
        data: { id: node.id, label: node.id, type: node.type, colour: typeColours[node.type] ?? '#8b8b8b' },
        classes: node.id === subjectId ? 'subject' : '',
      })),
      ...graph.edges
        .filter((edge) => known.has(edge.from) && known.has(edge.to))
        .map((edge, index) => ({ data: { id: `e${index}`, source: edge.from, target: edge.to, label: edge.kind } })),
    ],
    style: [
      {
        selector: 'node',
        style: {
          'background-color': 'data(colour)',
          label: 'data(label)',
          color: '#2f3a44',
          'font-size': 10,
          'text-valign': 'bottom',
          'text-margin-y': 4,
          // Labels too small to read at the graph's zoom are not drawn.
          'min-zoomed-font-size': 6,
          width: 18,
          height: 18,
        },
      },
      { selector: 'node.subject', style: { 'border-width': 3, 'border-color': '#2f4858', width: 24, height: 24 } },
      {
        selector: 'edge',
        style: {
          width: 1.5,
          'line-color': '#b8c2cc',
          'target-arrow-color': '#b8c2cc',
          'target-arrow-shape': 'triangle',
          'curve-style': 'straight',
          ...(edgeLabels ? { label: 'data(label)', 'font-size': 8, color: '#5c6670' } : {}),
        },
      },
    ],
    layout: { name: 'concentric', concentric: rings(graph, subjectId), levelWidth: () => 1, animate: false },
    // A graph of one or two nodes must not be blown up to fill the canvas.
    maxZoom: 1.5,
    minZoom: 0.2,
    boxSelectionEnabled: false,
    autoungrabify: true,
  });
}
