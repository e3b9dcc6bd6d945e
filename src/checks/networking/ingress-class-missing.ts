import { defineCheck, type FindingInput } from '../types.js';
import { sourceWhere, type ResourceIndex } from '../../model/index.js';
import type { Resource } from '../../model/types.js';
import { commandWords, didYouMean, get, getArray, getString, isTemplated, nearNames, stringMap } from '../../model/util.js';

const CLASS_ANNOTATION = 'kubernetes.io/ingress.class';
const DEFAULT_CLASS_ANNOTATION = 'ingressclass.kubernetes.io/is-default-class';

/**
 * Annotation values that a controller answers with its default settings, with no IngressClass object:
 * ingress-nginx `--ingress-class` defaults to "nginx" (internal/ingress/controller/ingressclass);
 * AWS Load Balancer Controller matches "alb" when no class is configured
 * (pkg/ingress/class_annotation_matcher.go); Traefik's Ingress provider "traefik"
 * (traefikDefaultIngressClass); Kong "kong" (annotations.DefaultIngressClass); Istio "istio" (the mesh
 * config's ingressClass default); GKE's built-in controller (ingress-gce, which has no IngressClass
 * at all) "gce", "gce-internal", "gce-regional-external" (utils.IsGCEIngress) and "gce-multi-cluster".
 */
const ANNOTATION_DEFAULTS = new Set(['nginx', 'alb', 'traefik', 'kong', 'istio', 'gce', 'gce-internal', 'gce-regional-external', 'gce-multi-cluster']);

/** GKE's classes: ingress-gce reads only the annotation; an Ingress with spec.ingressClassName set is never its own. */
const GCE_CLASSES = new Set(['gce', 'gce-internal', 'gce-regional-external', 'gce-multi-cluster']);

/**
 * IngressClass controllers that serve Ingresses with no class at all in their default setup (Traefik's
 * provider with no ingressClass option, Istio in its DEFAULT mode, Kong's lazy class matching), or may:
 * a class-less Ingress in a cluster running one of them is not known to be ignored.
 */
const CLASSLESS_CONTROLLERS = new Set(['traefik.io/ingress-controller', 'istio.io/ingress-controller', 'ingress-controllers.konghq.com/kong']);

interface ClassInfo {
  names: string[];
  byName: Map<string, Resource>;
  defaults: Resource[];
  controllers: Set<string>;
}

function ingressClasses(index: ResourceIndex): ClassInfo {
  return index.memo('networking:ingress-classes', () => {
    const byName = new Map<string, Resource>();
    const defaults: Resource[] = [];
    const controllers = new Set<string>();
    for (const r of index.ofKind('IngressClass')) {
      if (!r.apiVersion.startsWith('networking.k8s.io/')) continue;
      if (!byName.has(r.name)) byName.set(r.name, r);
      if (stringMap(get(r.object, ['metadata', 'annotations']))[DEFAULT_CLASS_ANNOTATION] === 'true') defaults.push(r);
      const c = getString(r.object, ['spec', 'controller']);
      if (c) controllers.add(c);
    }
    return { names: [...byName.keys()].sort(), byName, defaults, controllers };
  });
}

/**
 * What the controllers of the input are told about classes, from their command lines and env: the
 * values of `--ingress-class`-like flags (`--ingress-class=x`, `--ingressclass x`,
 * `--providers.kubernetesingress.ingressclass=x`) and `*INGRESS_CLASS` env values, and whether any
 * container asks to serve Ingresses without a class (`--watch-ingress-without-class`).
 */
function controllerFlags(index: ResourceIndex): { classes: Set<string>; withoutClass: boolean } {
  return index.memo('networking:ingress-controller-flags', () => {
    const classes = new Set<string>();
    let withoutClass = false;
    const flag = /^--?(?:[\w-]+\.)*ingress[-_.]?class(?:[-_.]?name)?(?:=(.*))?$/i;
    for (const w of index.workloads) {
      for (const c of w.containers) {
        const words = commandWords(c.spec);
        words.forEach((word, i) => {
          if (/without[-_.]?class/i.test(word) && !/=\s*false$/i.test(word)) withoutClass = true;
          const m = flag.exec(word);
          if (!m) return;
          const v = m[1] ?? words[i + 1];
          if (v && !v.startsWith('-')) classes.add(v.replace(/^["']|["']$/g, ''));
        });
        for (const e of getArray(c.spec, ['env'])) {
          const n = getString(e, ['name']);
          const v = getString(e, ['value']);
          if (n && v && /INGRESS_?CLASS$/i.test(n)) classes.add(v);
        }
      }
    }
    return { classes, withoutClass };
  });
}

/** GKE nodes in the input (a live scan lists them): its built-in controller takes class-less Ingresses. */
function onGke(index: ResourceIndex): boolean {
  return index.memo('networking:on-gke', () =>
    index.ofKind('Node').some((n) => stringMap(get(n.object, ['metadata', 'labels']))['cloud.google.com/gke-nodepool'] !== undefined),
  );
}


/** IngressClass names close to this one: same but for case, a typo or two, or one containing the other. */
const near3 = (name: string, known: string[]) => nearNames(name, known, true).slice(0, 3);
const hintOf = (near: string[]) => (near.length > 0 ? `; ${didYouMean(near)}` : '');

function listNames(names: string[]): string {
  return names.slice(0, 8).map((n) => `"${n}"`).join(', ') + (names.length > 8 ? ', ...' : '');
}

const usable = (v: unknown): v is string => typeof v === 'string' && v !== '' && !isTemplated(v) && !/[{}$]/.test(v);

export default defineCheck({
  id: 'ingress-class-missing',
  pillar: 'networking',
  severity: 'error',
  title: 'Ingress names an IngressClass that does not exist',
  whatBreaks:
    'No controller serves the Ingress, and nothing says so: controllers pick the Ingresses they serve by class, so one whose class matches no IngressClass (and no controller) never gets an address, its hosts get no traffic, and there is no event, status or failing condition.',
  details: `Ingress controllers serve an Ingress only when its class is theirs: \`spec.ingressClassName\`
names an IngressClass object, and a controller serves the Ingresses of the IngressClasses whose
\`spec.controller\` is its own (ingress-nginx looks the class up by name and drops the Ingress when it
does not exist; Traefik, Istio and the AWS Load Balancer Controller do the same). No IngressClass of
that name means no controller, and no error anywhere: \`kubectl get ingress\` just shows no ADDRESS.

- **\`spec.ingressClassName\` names an IngressClass that is not in the input** (error): reported as
  *unknown* unless the input is declared complete (\`--complete\`: IngressClasses are cluster-scoped)
  or is a live scan that listed IngressClasses. A near name is suggested ("did you mean"). GKE's
  built-in controller has no IngressClass and reads only the annotation: \`ingressClassName: gce\`
  is served by nothing, and the message says to use the annotation.
- **The legacy \`kubernetes.io/ingress.class\` annotation** (when \`ingressClassName\` is unset)
  names no IngressClass of the input (**warning**, unknown likewise). Controllers compare the annotation
  with their own configured class, not with IngressClass objects, so the annotation is only reported
  when its value is also not a controller's default (\`nginx\`, \`alb\`, \`traefik\`, \`kong\`,
  \`istio\`, GKE's \`gce\`, \`gce-internal\`, \`gce-regional-external\`, \`gce-multi-cluster\`) nor the
  value of an \`--ingress-class\`-like flag or \`*INGRESS_CLASS\` env var of a controller in the input.
- **No class at all, live scans only** (warning): the Ingress sets neither, the cluster has
  IngressClasses and none is annotated \`${DEFAULT_CLASS_ANNOTATION}: "true"\` (the DefaultIngressClass
  admission plugin assigns that class to new class-less Ingresses). Class-bound controllers
  (ingress-nginx, the AWS Load Balancer Controller) ignore it unless started with
  \`--watch-ingress-without-class\`. Only reported on a live scan (the IngressClass list is then
  complete), and not when a controller of the input has such a flag, an IngressClass belongs to a
  controller that may serve class-less Ingresses (Traefik, Istio, Kong), or the nodes are GKE's
  (ingress-gce takes class-less Ingresses).

Only checked when the input holds at least one IngressClass (or a live scan listed them): classes
usually come with the controller's chart, in another repository, and an input without any says nothing
about them; reporting every Ingress then would be noise, even with \`--complete\`. Not reported:
an Ingress whose \`status.loadBalancer.ingress\` already has an address (some controller serves it),
templated names, an empty value, Ingresses of other API groups.`,
  fix: {
    text: 'Set spec.ingressClassName to an IngressClass that exists (kubectl get ingressclass), or create the IngressClass for the controller that should serve this Ingress; mark one class ingressclass.kubernetes.io/is-default-class: "true" for Ingresses that name none.',
    yaml: `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
spec:
  ingressClassName: nginx      # kubectl get ingressclass: a class that exists
  rules:
    - host: shop.example.com
      http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service:
                name: web
                port:
                  number: 80`,
  },
  target: 'object',
  kinds: ['Ingress'],
  uses: ['IngressClass', 'Node'],
  run({ resource: ing, index }) {
    const out: FindingInput[] = [];
    if (!/^(networking\.k8s\.io|extensions)\//.test(ing.apiVersion)) return out;
    const info = ingressClasses(index);
    const live = index.listedKinds?.has('IngressClass') === true;
    if (info.names.length === 0 && !live) return out;
    const where = sourceWhere(index);
    const defines = info.names.length > 0 ? `it defines ${listNames(info.names)}` : 'it defines none';
    const has = info.names.length > 0 ? `its classes: ${listNames(info.names)}` : 'it has none';
    // A controller serves it after all (a live object or a dump with an address in its status).
    if (getArray(ing.object, ['status', 'loadBalancer', 'ingress']).length > 0) return out;
    const field = get(ing.object, ['spec', 'ingressClassName']);
    const annotations = stringMap(get(ing.object, ['metadata', 'annotations']));
    const ann = annotations[CLASS_ANNOTATION];

    if (field !== undefined && field !== null) {
      if (!usable(field) || info.byName.has(field)) return out;
      // Both set (they must then be equal): controllers that read the annotation first may serve it.
      if (ann !== undefined && (ANNOTATION_DEFAULTS.has(ann) || controllerFlags(index).classes.has(ann))) return out;
      const near = GCE_CLASSES.has(field) ? [] : near3(field, info.names);
      const gke = GCE_CLASSES.has(field)
        ? `; GKE's built-in controller has no IngressClass and reads only the annotation: set metadata.annotations["${CLASS_ANNOTATION}"]: "${field}" and remove spec.ingressClassName`
        : hintOf(near);
      out.push({
        message: `spec.ingressClassName is "${field}", but there is no IngressClass "${field}" in the input (${defines})${gke}: if the cluster has none either, every controller ignores this Ingress: no address, no traffic, no error`,
        path: ['spec', 'ingressClassName'],
        unknown: `no IngressClass "${field}" in the input`,
        unknownIn: null,
        knownMessage: `spec.ingressClassName is "${field}", but there is no IngressClass "${field}" ${where} (${has})${gke}: every controller ignores this Ingress: no address, no traffic, no error`,
        related: near.map((n) => ({ resource: info.byName.get(n)!, path: ['metadata', 'name'], note: 'similar name' })),
      });
      return out;
    }

    if (ann !== undefined) {
      if (!usable(ann) || info.byName.has(ann) || ANNOTATION_DEFAULTS.has(ann) || controllerFlags(index).classes.has(ann)) return out;
      const path = ['metadata', 'annotations', CLASS_ANNOTATION];
      const near = near3(ann, info.names);
      const hint = hintOf(near);
      out.push({
        message: `annotation ${CLASS_ANNOTATION} is "${ann}", which is no IngressClass of the input (${defines}) and no controller's default class${hint}: unless a controller runs with --ingress-class=${ann}, none serves this Ingress: no address, no traffic, no error`,
        path,
        severity: 'warning',
        unknown: `no IngressClass "${ann}" in the input`,
        unknownIn: null,
        knownMessage: `annotation ${CLASS_ANNOTATION} is "${ann}", which is no IngressClass ${where} (${has}) and no controller's default class${hint}: unless a controller runs with --ingress-class=${ann}, none serves this Ingress: no address, no traffic, no error`,
        related: near.map((n) => ({ resource: info.byName.get(n)!, path: ['metadata', 'name'], note: 'similar name' })),
      });
      return out;
    }

    // No class at all: only a live scan knows every IngressClass, and which one is the default.
    if (!live || info.names.length === 0 || info.defaults.length > 0) return out;
    if ([...info.controllers].some((c) => CLASSLESS_CONTROLLERS.has(c)) || controllerFlags(index).withoutClass || onGke(index)) return out;
    out.push({
      message: `the Ingress names no class (no spec.ingressClassName or ${CLASS_ANNOTATION} annotation) and no IngressClass of the cluster (${listNames(info.names)}) is marked ${DEFAULT_CLASS_ANNOTATION}: "true": class-bound controllers (ingress-nginx, the AWS Load Balancer Controller) ignore it unless started with --watch-ingress-without-class: no address, no traffic, no error`,
      path: ['spec'],
      severity: 'warning',
      related: [...info.byName.values()].slice(0, 3).map((r) => ({ resource: r, path: ['metadata'], note: 'not the default class' })),
    });
    return out;
  },
});
