# Regenerates the `__cwcc_devlib_roots` kernel at the end of math.cu (run after editing math.cu):
#   python3 stdlib/device/gen_roots.py
# The kernel calls every public function so that the front end lowers all of them.
import re,sys
import os
p=os.path.join(os.path.dirname(os.path.abspath(__file__)), 'math.cu')
s=open(p).read()
marker='// ---- roots kernel (generated) ----'
s=s.split(marker)[0]
names=re.findall(r'__device__ (float|double) (__cwcc_\w+)\(([^)]*)\)', s)
lines=[]
fi=0; di=0
for ret,name,params in names:
    params=[x.strip() for x in params.split(',') if x.strip()]
    if any('*' in x for x in params): continue
    # public ones: name after __cwcc_ must be a math builtin; include helpers? only public
    n=len(params)
    arr='f' if ret=='float' else 'd'
    args=', '.join(f'{arr}[{i+1}]' for i in range(n))
    lines.append(f'    {arr}[0] = {name}({args});')
s=s.rstrip()+'\n\n'+marker+'\n// Calls every function so that the front end lowers all of them (never linked).\n__global__ void __cwcc_devlib_roots(float *f, double *d) {\n'+'\n'.join(lines)+'\n}\n'
open(p,'w').write(s)
