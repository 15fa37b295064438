#!/usr/bin/env node
// Validates rendered Kubernetes manifests (multi-document YAML, as
// `kubectl kustomize` prints them) against the Kubernetes schema, offline,
// with the npm package kubernetes-models: every object must be of a known
// kind and pass its schema. Also holds rtm's own rules for its workloads:
// resources set on every container, non-root, read-only root filesystem,
// every capability dropped, and probes on the services.
//   node scripts/validate_k8s.cjs NODE_MODULES_DIR FILE...
'use strict';
const fs = require('fs');
const path = require('path');

const [modulesArgument, ...files] = process.argv.slice(2);
if (!modulesArgument || files.length === 0) {
  console.error('usage: validate_k8s.cjs NODE_MODULES_DIR FILE...');
  process.exit(2);
}
const modules = path.resolve(modulesArgument);
const YAML = require(path.join(modules, 'yaml'));

function modelOf(apiVersion, kind) {
  // "apps/v1" -> kubernetes-models/apps/v1/Kind; "v1" -> kubernetes-models/v1/Kind
  const file = path.join(modules, 'kubernetes-models', apiVersion, kind);
  try {
    return require(file)[kind];
  } catch (error) {
    return null;
  }
}

const workloads = new Set(['Deployment', 'StatefulSet', 'Job', 'DaemonSet']);

function checkWorkload(name, object, problems) {
  const pod = object.spec.template.spec;
  const podSecurity = pod.securityContext || {};
  if (!pod.terminationGracePeriodSeconds) problems.push(`${name}: no terminationGracePeriodSeconds`);
  for (const container of pod.containers) {
    const where = `${name} container ${container.name}`;
    const security = container.securityContext || {};
    if (!container.resources || !container.resources.requests || !container.resources.limits) {
      problems.push(`${where}: requests and limits must both be set`);
    }
    if (!(security.runAsNonRoot || podSecurity.runAsNonRoot)) problems.push(`${where}: not runAsNonRoot`);
    if (security.readOnlyRootFilesystem !== true) problems.push(`${where}: root filesystem not read-only`);
    const dropped = (security.capabilities && security.capabilities.drop) || [];
    if (!dropped.includes('ALL')) problems.push(`${where}: capabilities not all dropped`);
    if (security.allowPrivilegeEscalation !== false) problems.push(`${where}: privilege escalation allowed`);
    if (object.kind !== 'Job' && (!container.livenessProbe || !container.readinessProbe)) {
      problems.push(`${where}: liveness and readiness probes needed`);
    }
  }
}

let checked = 0;
const problems = [];
for (const file of files) {
  const documents = YAML.parseAllDocuments(fs.readFileSync(file, 'utf8'));
  for (const document of documents) {
    if (document.errors.length > 0) {
      problems.push(`${file}: ${document.errors.map(String).join('; ')}`);
      continue;
    }
    const object = document.toJSON();
    if (object === null) continue;
    const name = `${file}: ${object.kind} ${object.metadata && object.metadata.name}`;
    const Model = modelOf(object.apiVersion, object.kind);
    if (!Model) {
      problems.push(`${name}: unknown apiVersion/kind ${object.apiVersion} ${object.kind}`);
      continue;
    }
    try {
      new Model(object).validate();
    } catch (error) {
      problems.push(`${name}: ${error.message}`);
    }
    if (workloads.has(object.kind)) checkWorkload(name, object, problems);
    ++checked;
  }
}
for (const problem of problems) console.error('validate_k8s: ' + problem);
console.log(`validate_k8s: ${checked} objects checked, ${problems.length} problems`);
process.exit(problems.length === 0 && checked > 0 ? 0 : 1);
