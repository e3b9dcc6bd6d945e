/**
 * object-rejected against a real API server: for each manifest, the errors kubeready quotes are
 * exactly the ones `kubectl apply --dry-run=server` returns (Services, Ingresses, autoscalers, CronJob
 * schedules), and the valid manifests are accepted and not reported.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import check from '../../src/checks/availability/object-rejected.js';
import { cronScheduleError } from '../../src/model/cron.js';
import { runCheck } from '../helpers/check-tester.js';
import { clusterSkip, startCluster, type TestCluster } from '../helpers/cluster.js';
import { apiServerErrors, quotedErrors } from '../helpers/api-errors.js';

const svc = (spec: string) => `apiVersion: v1\nkind: Service\nmetadata: {name: or-svc}\nspec: ${spec}\n`;
const ing = (rules: string, extra = '') => `apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: or-ing}\nspec:\n${extra}  rules: ${rules}\n`;
const path = (p: string) => `[{host: shop.example.com, http: {paths: [${p}]}}]`;
const hpa = (spec: string) => `apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: or-hpa}\nspec: {scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}${spec}}\n`;
const cron = (s: string) => `apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: or-cron}\nspec: {schedule: ${JSON.stringify(s)}, jobTemplate: {spec: {template: {spec: {restartPolicy: Never, containers: [{name: a, image: "registry.example/a:1.0"}]}}}}}\n`;
const BACKEND = 'backend: {service: {name: web, port: {number: 80}}}';
const TEMPLATE = '  template:\n    metadata: {labels: {app: web}}\n    spec: {containers: [{name: web, image: "registry.example/web:1.0"}]}\n';
const dep = (strategy: string) => `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: or-dep2}\nspec:\n  strategy: ${strategy}\n  selector: {matchLabels: {app: web}}\n${TEMPLATE}`;
const ds = (strategy: string) => `apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: or-ds}\nspec:\n  updateStrategy: ${strategy}\n  selector: {matchLabels: {app: web}}\n${TEMPLATE}`;
const sts = (spec: string) => `apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: or-sts}\nspec:\n${spec}  selector: {matchLabels: {app: web}}\n${TEMPLATE}`;
const pdb = (spec: string) => `apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {name: or-pdb}\nspec: {selector: {matchLabels: {app: web}}, ${spec}}\n`;

const REJECTED: Record<string, string> = {
  'a Service with two unnamed ports': svc('{selector: {app: web}, ports: [{port: 80}, {port: 443}]}'),
  'a Service with one port name twice': svc('{selector: {app: web}, ports: [{name: http, port: 80}, {name: http, port: 443}]}'),
  'a Service with one port twice': svc('{selector: {app: web}, ports: [{name: a, port: 80}, {name: b, port: 80}]}'),
  'a Service with a UDP port twice': svc('{selector: {app: dns}, ports: [{name: a, port: 53, protocol: UDP}, {name: b, port: 53, protocol: UDP}, {name: c, port: 53}]}'),
  'Service ports out of range and invalid target port names': svc('{selector: {app: web}, ports: [{name: a, port: 70000}, {name: b, port: 81, targetPort: Metrics_Port}, {name: c, port: 82, targetPort: metrics-endpoint-http}, {name: d, port: 83, targetPort: -abc}, {name: e, port: 84, targetPort: a--b}, {name: f, port: 85, targetPort: 70000}]}'),
  'a Service port without a port': svc('{selector: {app: web}, ports: [{name: a, targetPort: 8080}]}'),
  'an invalid Service port name': svc('{selector: {app: web}, ports: [{name: HTTP_port, port: 80}]}'),
  'a nodePort on a ClusterIP Service': svc('{selector: {app: web}, ports: [{port: 80, nodePort: 30080}]}'),
  'a Service without ports': svc('{selector: {app: web}}'),
  'an ExternalName Service without a name': svc('{type: ExternalName}'),
  'an Ingress path without pathType': ing(path(`{path: /, ${BACKEND}}`)),
  'an Ingress pathType in the wrong case': ing(path(`{path: /, pathType: prefix, ${BACKEND}}`)),
  'a relative Ingress path': ing(path(`{path: api, pathType: Prefix, ${BACKEND}}`)),
  'an Ingress backend without a port, with both, and with no service': ing(path(`{path: /a, pathType: Prefix, backend: {service: {name: web}}}, {path: /b, pathType: Prefix, backend: {service: {name: web, port: {number: 80, name: http}}}}, {path: /c, pathType: Prefix, backend: {}}`)),
  'Ingress hosts: an IP address, a wildcard in the middle, upper case': ing(`[{host: 10.0.0.1, http: {paths: [{path: /, pathType: Prefix, ${BACKEND}}]}}, {host: "api.*.example.com", http: {paths: [{path: /, pathType: Prefix, ${BACKEND}}]}}, {host: API.example.com, http: {paths: [{path: /, pathType: Prefix, ${BACKEND}}]}}, {host: "::1", http: {paths: [{path: /, pathType: Prefix, ${BACKEND}}]}}, {host: "shop.example.com:8080", http: {paths: [{path: /, pathType: Prefix, ${BACKEND}}]}}]`),
  'an Ingress rule without paths': ing('[{host: shop.example.com, http: {paths: []}}]'),
  'an autoscaler without maxReplicas': hpa(''),
  'an autoscaler whose maximum is below its minimum': hpa(', minReplicas: 5, maxReplicas: 3'),
  'autoscaler metrics: a type in the wrong case, a source that is not the type\'s, two sources': hpa(', maxReplicas: 5, metrics: [{type: resource, resource: {name: memory, target: {type: Utilization, averageUtilization: 80}}}, {type: Resource, pods: {metric: {name: x}, target: {type: AverageValue, averageValue: 1}}}, {type: Resource, resource: {name: cpu, target: {type: Utilization, averageUtilization: 50}}, pods: {metric: {name: x}, target: {type: AverageValue, averageValue: 1}}}]'),
  'autoscaler metric targets: a type in the wrong case, 0 utilization, a Pods value, External utilization, no target': hpa(', maxReplicas: 5, metrics: [{type: Resource, resource: {name: memory, target: {type: utilization, averageUtilization: 0}}}, {type: Pods, pods: {metric: {name: rps}, target: {type: Value, value: 10}}}, {type: External, external: {metric: {name: q}, target: {type: Utilization, averageUtilization: 50}}}, {type: Resource, resource: {name: cpu}}]'),
  'autoscaler metric targets: values not positive, both set, names missing': hpa(', maxReplicas: 5, metrics: [{type: Pods, pods: {metric: {name: rps}, target: {type: AverageValue, averageValue: "0"}}}, {type: Object, object: {metric: {name: hits}, describedObject: {apiVersion: v1, kind: Service, name: web}, target: {type: Value, value: "-1"}}}, {type: Resource, resource: {name: cpu, target: {type: Utilization, averageUtilization: 50, averageValue: 500m}}}, {type: External, external: {metric: {name: ""}, target: {type: Value, value: 1, averageValue: 2}}}, {type: Object, object: {metric: {name: hits}, describedObject: {kind: Service, name: web}, target: {type: AverageValue}}}]'),
  'autoscaler container metrics and a metric without a type': hpa(', maxReplicas: 5, metrics: [{type: ContainerResource, containerResource: {name: cpu, container: "", target: {type: Utilization, averageUtilization: 50}}}, {type: ContainerResource, containerResource: {name: "", container: App_1, target: {type: "", averageUtilization: -5}}}, {resource: {name: cpu, target: {type: Utilization, averageUtilization: 50}}}]'),
  'autoscaler behavior: windows, policies, selectPolicy': hpa(', maxReplicas: 5, behavior: {scaleUp: {selectPolicy: max, stabilizationWindowSeconds: 4000, policies: [{type: Percent, value: 0, periodSeconds: 2000}, {type: pods, value: 1, periodSeconds: 60}, {value: 1, periodSeconds: 60}]}, scaleDown: {stabilizationWindowSeconds: -1, policies: []}}'),
  'autoscaler behavior: a policy without value or period': hpa(', maxReplicas: 5, behavior: {scaleDown: {policies: [{type: Pods}]}}'),
  'autoscaler targets: a group in the kind, a namespace in the name': 'apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: or-hpa2}\nspec: {scaleTargetRef: {apiVersion: apps/v1, kind: apps/Deployment, name: shop/web}, maxReplicas: 3}\n',
  'autoscaler targets: no kind, a name of ..': 'apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: or-hpa3}\nspec: {scaleTargetRef: {apiVersion: apps/v1, name: ".."}, maxReplicas: 3}\n',
  'autoscaler targets: a name with % and /': 'apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: or-hpa4}\nspec: {scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: "a/50%"}, maxReplicas: 3}\n',
  'an autoscaling/v1 CPU target of 0': 'apiVersion: autoscaling/v1\nkind: HorizontalPodAutoscaler\nmetadata: {name: or-hpa1}\nspec: {scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}, maxReplicas: 2, targetCPUUtilizationPercentage: 0}\n',
  'ConfigMap keys: a path, a space, dots, too long': `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: or-cm}\ndata: {"config/app.yaml": a, "my key": b, ".": c, "..": d, "..data": e, "${'k'.repeat(254)}": f, ok.key_1-2: g}\n`,
  'a ConfigMap key in data and binaryData': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: or-cm2}\ndata: {a: x}\nbinaryData: {a: eA==}\n',
  'a claim without a storage request': 'apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: or-pvc}\nspec: {accessModes: [ReadWriteOnce]}\n',
  'a claim without accessModes or storage': 'apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: or-pvc2}\nspec: {storageClassName: standard}\n',
  'a Recreate Deployment with rollingUpdate settings': `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: or-dep}\nspec:\n  strategy: {type: Recreate, rollingUpdate: {maxSurge: 1}}\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec: {containers: [{name: web, image: "registry.example/web:1.0"}]}\n`,
  'a Deployment strategy type in the wrong case': dep('{type: rollingUpdate}'),
  'Deployment rolling update numbers: not a percentage, negative, above 100%': dep('{rollingUpdate: {maxUnavailable: "150%", maxSurge: "10 percent"}}'),
  'a negative maxSurge': dep('{rollingUpdate: {maxSurge: -1}}'),
  'a DaemonSet with maxSurge and the default maxUnavailable': ds('{type: RollingUpdate, rollingUpdate: {maxSurge: 1}}'),
  'a DaemonSet update strategy type in the wrong case': ds('{type: onDelete}'),
  'DaemonSet percentages above 100% and not percentages': ds('{rollingUpdate: {maxUnavailable: "200%", maxSurge: "x"}}'),
  'a StatefulSet podManagementPolicy in the wrong case and a serviceName with a dot': sts('  podManagementPolicy: parallel\n  serviceName: db.headless\n'),
  'a StatefulSet serviceName with an underscore': sts('  serviceName: db_headless\n'),
  'a StatefulSet update strategy type that does not exist': sts('  serviceName: db\n  updateStrategy: {type: Rolling}\n'),
  'budget numbers: a negative minAvailable': pdb('minAvailable: -1'),
  'budget numbers: above 100%, not a percentage': pdb('maxUnavailable: "120%"'),
  'a budget maxUnavailable that is not a percentage': pdb('maxUnavailable: "50"'),
  'a budget unhealthyPodEvictionPolicy in the wrong case': pdb('maxUnavailable: 1, unhealthyPodEvictionPolicy: alwaysAllow'),
  'load balancer source ranges: an address without a prefix, host bits': svc('{type: LoadBalancer, selector: {app: web}, ports: [{port: 80}], loadBalancerSourceRanges: ["203.0.113.5", " 10.0.0.0/8 ", "10.0.0.5/8", "2001:db8::/64"]}'),
  'load balancer source ranges on a ClusterIP Service': svc('{selector: {app: web}, ports: [{port: 80}], loadBalancerSourceRanges: ["10.0.0.0/8"]}'),
  'IP families: a family in the wrong case, one twice, a policy in the wrong case': svc('{type: LoadBalancer, selector: {app: web}, ports: [{port: 80}], ipFamilyPolicy: preferDualStack, ipFamilies: [IPv4, ipv6, IPv4]}'),
  'SingleStack with both families': svc('{selector: {app: web}, ports: [{port: 80}], ipFamilyPolicy: SingleStack, ipFamilies: [IPv4, IPv6]}'),
  'a Service type in the wrong case': svc('{type: Loadbalancer, selector: {app: web}, ports: [{port: 80}]}'),
  'externalTrafficPolicy and allocateLoadBalancerNodePorts on a headless Service': svc('{clusterIP: None, selector: {app: web}, ports: [{port: 80}], externalTrafficPolicy: Cluster, allocateLoadBalancerNodePorts: false}'),
  'externalTrafficPolicy on a Service of the default type': svc('{selector: {app: web}, ports: [{port: 80}], externalTrafficPolicy: Local}'),
  'traffic policies and session affinity in the wrong case': svc('{type: LoadBalancer, selector: {app: web}, ports: [{port: 80}], externalTrafficPolicy: local, internalTrafficPolicy: cluster, sessionAffinity: clientIP}'),
  'CronJob numbers below 0 and concurrencyPolicy in the wrong case': 'apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: or-cron2}\nspec: {schedule: "* * * * *", concurrencyPolicy: forbid, startingDeadlineSeconds: -5, jobTemplate: {spec: {backoffLimit: -1, template: {spec: {restartPolicy: Never, containers: [{name: a, image: "registry.example/a:1.0"}]}}}}}\n',
  'CronJob history limits below 0': 'apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: or-cron3}\nspec: {schedule: "* * * * *", successfulJobsHistoryLimit: -1, failedJobsHistoryLimit: -2, jobTemplate: {spec: {template: {spec: {restartPolicy: Never, containers: [{name: a, image: "registry.example/a:1.0"}]}}}}}\n',
  'Job completion mode in the wrong case': 'apiVersion: batch/v1\nkind: Job\nmetadata: {name: or-job2}\nspec: {completionMode: indexed, template: {spec: {restartPolicy: Never, containers: [{name: a, image: "registry.example/a:1.0"}]}}}\n',
  'an Indexed Job with parallelism and no completions': 'apiVersion: batch/v1\nkind: Job\nmetadata: {name: or-job3}\nspec: {completionMode: Indexed, parallelism: 3, template: {spec: {restartPolicy: Never, containers: [{name: a, image: "registry.example/a:1.0"}]}}}\n',
  'per-index retries on a Job that is not Indexed': 'apiVersion: batch/v1\nkind: Job\nmetadata: {name: or-job4}\nspec: {backoffLimitPerIndex: 1, maxFailedIndexes: 2, template: {spec: {restartPolicy: Never, containers: [{name: a, image: "registry.example/a:1.0"}]}}}\n',
  'maxFailedIndexes above completions and without backoffLimitPerIndex': 'apiVersion: batch/v1\nkind: Job\nmetadata: {name: or-job5}\nspec: {completionMode: Indexed, completions: 3, maxFailedIndexes: 5, template: {spec: {restartPolicy: Never, containers: [{name: a, image: "registry.example/a:1.0"}]}}}\n',
  'negative per-index numbers and a podReplacementPolicy in the wrong case': 'apiVersion: batch/v1\nkind: Job\nmetadata: {name: or-job6}\nspec: {podReplacementPolicy: terminatingOrFailed, backoffLimitPerIndex: -1, maxFailedIndexes: -2, completionMode: Indexed, completions: 2, template: {spec: {restartPolicy: Never, containers: [{name: a, image: "registry.example/a:1.0"}]}}}\n',
  'podReplacementPolicy TerminatingOrFailed with a podFailurePolicy, in a CronJob': 'apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: or-cron4}\nspec: {schedule: "@daily", jobTemplate: {spec: {podReplacementPolicy: TerminatingOrFailed, podFailurePolicy: {rules: [{action: FailJob, onExitCodes: {operator: In, values: [42]}}]}, template: {spec: {restartPolicy: Never, containers: [{name: a, image: "registry.example/a:1.0"}]}}}}}\n',
  'Job numbers below 0': 'apiVersion: batch/v1\nkind: Job\nmetadata: {name: or-job}\nspec: {completions: -1, parallelism: -2, activeDeadlineSeconds: -1, backoffLimit: -3, ttlSecondsAfterFinished: -1, template: {spec: {restartPolicy: Never, containers: [{name: a, image: "registry.example/a:1.0"}]}}}\n',
  'claim access mode and volume mode in the wrong words': 'apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: or-pvc3}\nspec: {accessModes: [ReadWriteOnly, ReadWriteOnce], volumeMode: filesystem, resources: {requests: {storage: 1Gi}}}\n',
  'PersistentVolume access mode and reclaim policy in the wrong case': 'apiVersion: v1\nkind: PersistentVolume\nmetadata: {name: or-pv}\nspec: {capacity: {storage: 1Gi}, accessModes: [readWriteOnce], persistentVolumeReclaimPolicy: delete, hostPath: {path: /tmp/x}}\n',
  'StorageClass reclaimPolicy and volumeBindingMode in the wrong case': 'apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata: {name: or-sc}\nprovisioner: example.com/x\nreclaimPolicy: retain\nvolumeBindingMode: waitForFirstConsumer\n',
  'Service port protocols in lower case and HTTP': svc('{selector: {app: web}, ports: [{name: a, port: 80, protocol: tcp}, {name: b, port: 81, protocol: HTTP}]}'),
  'NetworkPolicy ports: protocols, a port out of range, endPort with a named port': 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: or-np}\nspec: {podSelector: {}, policyTypes: [Ingress, Egress], ingress: [{ports: [{port: 80, protocol: tcp}]}], egress: [{ports: [{port: 53, protocol: udp}, {port: 70000}, {port: dns-tcp, endPort: 60}]}]}\n',
  'NetworkPolicy ipBlocks: not a CIDR, host bits, an except outside': 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: or-np2}\nspec: {podSelector: {}, ingress: [{from: [{ipBlock: {cidr: 10.0.0.0/33}}, {ipBlock: {cidr: 10.0.0.1}}, {ipBlock: {cidr: 10.0.0.0/8, except: [192.168.0.0/16, 10.1.0.0/16]}}, {ipBlock: {cidr: 10.0.0.5/8}}]}]}\n',
  'NetworkPolicy IPv6 blocks: host bits, a prefix above 128, a zone, an IPv4-mapped address, leading zeros': 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: or-np6}\nspec: {podSelector: {}, ingress: [{from: [{ipBlock: {cidr: "2001:db8::1/64"}}, {ipBlock: {cidr: "2001:db8::/129"}}, {ipBlock: {cidr: "fe80::1%eth0/64"}}, {ipBlock: {cidr: "::ffff:10.0.0.0/104"}}, {ipBlock: {cidr: "2001:db8::/064"}}]}]}\n',
  'NetworkPolicy excepts: outside, the whole block, another family, host bits, leading zeros in an IPv4 cidr': 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: or-np7}\nspec: {podSelector: {}, egress: [{to: [{ipBlock: {cidr: "2001:db8::/32", except: ["2001:db9::/48", "2001:db8::/32", "10.0.0.0/8", "2001:db8::1/48"]}}, {ipBlock: {cidr: "010.0.0.0/8", except: ["10.1.0.0/16"]}}, {ipBlock: {cidr: "10.0.0.0/08"}}, {ipBlock: {cidr: "10.0.0.0/8", except: ["10.0.0.1/8"]}}]}]}\n',
  'NetworkPolicy policyTypes in lower case': 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: or-np3}\nspec: {podSelector: {}, policyTypes: [ingress]}\n',
  'a schedule with a seconds field': cron('0 0 * * * *'),
  'a schedule with 7 for Sunday': cron('0 3 * * 7'),
  'a schedule with a time zone': cron('CRON_TZ=Europe/Berlin 0 3 * * *'),
  'a schedule with an hour out of range': cron('0 25 * * *'),
  'a schedule with Jenkins H': cron('H 0 * * *'),
  'a schedule with a bad duration': cron('@every 5x'),
};

const ACCEPTED = [
  'apiVersion: v1\nkind: PersistentVolume\nmetadata: {name: or-pv-ok}\nspec: {capacity: {storage: 1Gi}, accessModes: [ReadWriteOncePod], volumeMode: Block, persistentVolumeReclaimPolicy: Retain, hostPath: {path: /tmp/x}}\n',
  'apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata: {name: or-sc-ok}\nprovisioner: example.com/x\nreclaimPolicy: Retain\nvolumeBindingMode: WaitForFirstConsumer\n',
  svc('{type: NodePort, selector: {app: web}, ports: [{port: 80}], externalTrafficPolicy: Local, internalTrafficPolicy: Local, sessionAffinity: ClientIP}'),
  svc('{selector: {app: web}, ports: [{port: 80}], externalIPs: [203.0.113.10], externalTrafficPolicy: Local}'),
  svc('{type: LoadBalancer, selector: {app: web}, ports: [{port: 80}], allocateLoadBalancerNodePorts: false}'),
  svc('{type: LoadBalancer, selector: {app: web}, ports: [{port: 80}], loadBalancerSourceRanges: [" 10.0.0.0/8 ", "203.0.113.5/32", "2001:db8::/64"], ipFamilyPolicy: PreferDualStack}'),
  svc('{selector: {app: web}, ports: [{port: 80}], ipFamilyPolicy: SingleStack, ipFamilies: [IPv4]}'),
  'apiVersion: batch/v1\nkind: Job\nmetadata: {name: or-job-ok}\nspec: {completions: 0, parallelism: 0, activeDeadlineSeconds: 0, backoffLimit: 0, ttlSecondsAfterFinished: 0, template: {spec: {restartPolicy: Never, containers: [{name: a, image: "registry.example/a:1.0"}]}}}\n',
  'apiVersion: batch/v1\nkind: Job\nmetadata: {name: or-job-idx}\nspec: {completionMode: Indexed, template: {spec: {restartPolicy: Never, containers: [{name: a, image: "registry.example/a:1.0"}]}}}\n',
  'apiVersion: batch/v1\nkind: Job\nmetadata: {name: or-job-idx2}\nspec: {completionMode: Indexed, completions: 3, parallelism: 3, backoffLimitPerIndex: 1, maxFailedIndexes: 3, podReplacementPolicy: Failed, template: {spec: {restartPolicy: Never, containers: [{name: a, image: "registry.example/a:1.0"}]}}}\n',
  'apiVersion: batch/v1\nkind: Job\nmetadata: {name: or-job-np}\nspec: {completionMode: NonIndexed, podReplacementPolicy: TerminatingOrFailed, template: {spec: {restartPolicy: Never, containers: [{name: a, image: "registry.example/a:1.0"}]}}}\n',
  dep('{rollingUpdate: {maxUnavailable: 0, maxSurge: 1}}'),
  dep('{rollingUpdate: {maxUnavailable: 0}}'),
  dep('{rollingUpdate: {maxUnavailable: "100%", maxSurge: "200%"}}'),
  ds('{rollingUpdate: {maxUnavailable: 0, maxSurge: 1}}'),
  ds('{type: OnDelete}'),
  sts('  serviceName: db\n  podManagementPolicy: Parallel\n  updateStrategy: {type: OnDelete}\n'),
  pdb('minAvailable: "100%"'),
  pdb('maxUnavailable: 0, unhealthyPodEvictionPolicy: AlwaysAllow'),
  'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: or-np-ok}\nspec: {podSelector: {}, policyTypes: [Ingress, Egress], ingress: [{from: [{ipBlock: {cidr: 0.0.0.0/0, except: [10.0.0.0/8]}}, {ipBlock: {cidr: "2001:db8::/64"}}, {ipBlock: {cidr: "2001:0db8::/32", except: ["2001:db8:1::/48"]}}, {ipBlock: {cidr: "::/0", except: ["fd00::/8"]}}], ports: [{port: 8000, endPort: 8080, protocol: TCP}, {port: http}]}], egress: [{ports: [{port: 53, protocol: UDP}]}]}\n',
  'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: or-cm-ok}\ndata: {app.yaml: a, KEY_NAME: b, key-name: c, .hidden: d}\nbinaryData: {logo.png: eA==}\n',
  'apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: or-pvc-ok}\nspec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}\n',
  svc('{selector: {app: web}, ports: [{port: 80, targetPort: http}]}'),
  svc('{selector: {app: dns}, ports: [{name: dns, port: 53, protocol: UDP}, {name: dns-tcp, port: 53, protocol: TCP}]}'),
  svc('{clusterIP: None, selector: {app: db}}'),
  svc('{type: NodePort, selector: {app: web}, ports: [{port: 80, nodePort: 30080}]}'),
  svc('{type: ExternalName, externalName: db.example.com}'),
  ing(`[{host: "*.example.com", http: {paths: [{path: /, pathType: Prefix, ${BACKEND}}, {path: "/api(/|$)(.*)", pathType: ImplementationSpecific, ${BACKEND}}]}}]`, `  defaultBackend: {service: {name: web, port: {name: http}}}\n`),
  hpa(', maxReplicas: 3'),
  hpa(', maxReplicas: 5, metrics: [{type: Resource, resource: {name: cpu, target: {type: Utilization, averageValue: 80}}}, {type: Object, object: {metric: {name: hits}, describedObject: {kind: Service, name: web}, target: {type: Value, value: 10k}}}, {type: External, external: {metric: {name: q, selector: {matchLabels: {queue: jobs}}}, target: {type: AverageValue, averageValue: 30}}}, {type: ContainerResource, containerResource: {name: memory, container: app, target: {type: AverageValue, averageValue: 500Mi}}}], behavior: {scaleUp: {selectPolicy: Disabled}, scaleDown: {stabilizationWindowSeconds: 3600, policies: [{type: Percent, value: 10, periodSeconds: 1800}]}}'),
  'apiVersion: autoscaling/v1\nkind: HorizontalPodAutoscaler\nmetadata: {name: or-hpa1-ok}\nspec: {scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}, maxReplicas: 2, targetCPUUtilizationPercentage: 1}\n',
  hpa(', minReplicas: 3, maxReplicas: 3'),
  cron('*/5 * * * MON-FRI'),
  cron('0 0 ? * *'),
  cron('@daily'),
  cron('0 9-17/2 * * 1-5'),
];

const SCHEDULES = [
  "0 0 * * * *",
  "0 25 * * *",
  "*/5 * * * MON-FRI",
  "@daily",
  "@every 5m",
  "@every 5x",
  "@fortnightly",
  "TZ=UTC 0 0 * * *",
  "0 0 * * 7",
  "0 0 31 2 *",
  "60 * * * *",
  "* * * *",
  "0 0 ? * *",
  "H 0 * * *",
  "0-5-9 * * * *",
  "*/0 * * * *",
  "5/15 * * * *",
  "10-5 * * * *",
  "0 0 0 * *",
  "-1 * * * *",
  "1,,2 * * * *",
  "0 0 1 JAN,jul *",
  "0 0 * * sun-sat",
  "*/2/3 * * * *",
  "0 9-17/2 * * 1-5",
  "99999999999999999999 * * * *",
  "@every 5",
  "@every x",
  "@every 1h30m",
  "@every .5s",
  "@every 1.5h",
  "@every -5m",
];

const ours = (yaml: string) => runCheck(check, yaml, { namespace: 'default' }).flatMap((f) => quotedErrors(f.message, /reject the \w+ \(/, true));

describe('object-rejected: what the API server rejects, in its words', { skip: clusterSkip() }, () => {
  let cluster: TestCluster;
  before(async () => {
    cluster = await startCluster();
  });
  after(() => cluster?.stop());
  const apply = (yaml: string) => cluster.kubectl(['apply', '--dry-run=server', '-n', 'default', '-f', '-'], { input: yaml, allowFail: true });

  for (const [name, yaml] of Object.entries(REJECTED)) {
    it(name, async () => {
      const r = await apply(yaml);
      assert.notEqual(r.code, 0, r.stdout);
      assert.deepEqual(ours(yaml).sort(), apiServerErrors(r.stderr).sort(), r.stderr);
    });
  }

  it('the cron parser: the same schedules accepted, the same words for the rest', async () => {
    for (const schedule of SCHEDULES) {
      const r = await apply(cron(schedule));
      const server = /spec\.schedule: Invalid value: "(?:[^"\\]|\\.)*": (.*)$/m.exec(r.stderr)?.[1] ?? null;
      assert.equal(server === null, r.code === 0, `${schedule}: ${r.stderr}`);
      assert.equal(cronScheduleError(schedule), server, schedule);
    }
  });

  it('valid Services, Ingresses, autoscalers and schedules: accepted, and not reported', async () => {
    for (const yaml of ACCEPTED) {
      assert.deepEqual(ours(yaml), [], yaml);
      const r = await apply(yaml);
      assert.equal(r.code, 0, `${yaml}\n${r.stderr}`);
    }
  });
});
