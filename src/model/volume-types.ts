/**
 * In-tree volume types the kubelet of Kubernetes 1.37 cannot mount. The API still accepts them (the
 * fields stay in core/v1 for compatibility, marked "the in-tree X type is no longer supported"), but
 * the kubelet has no plugin for them (cmd/kubelet/app/plugins.go) and no CSI migration redirects them
 * (csi-translation-lib covers the cloud disks only), so mounting fails. gitRepo still has a plugin,
 * but it refuses to set up: the GitRepoVolumeDriver feature gate is off by default since 1.33 and
 * locked off since 1.36.
 */
export const UNSUPPORTED_VOLUME_TYPES: readonly string[] = ['glusterfs', 'rbd', 'cephfs', 'flocker', 'quobyte', 'photonPersistentDisk', 'scaleIO', 'storageos', 'gitRepo'];
